#include "tako/engine/fanout_step.h"

#include "tako/engine/run_executor.h"

namespace tako::engine {

std::vector<std::string> dry_run_candidates(Tree&, const std::string&, const std::shared_ptr<const config::Config>&,
                                            const config::Step&) {
  return {};
}

StepOutcome RunExecutor::run_fan_out(const config::Step&, const nlohmann::json&) {
  StepOutcome out;
  out.error = "fan-out is not implemented yet";
  return out;
}

Status RunExecutor::wait_for_detached_children() { return {}; }

}  // namespace tako::engine
