#include "tako/engine/run_spec.h"

#include <sys/stat.h>

#include "tako/repo/universe.h"
#include "tako/util/go_format.h"

namespace tako::engine {

std::string input_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return util::format_go_float(v.get<double>());
  return v.dump();
}

Result<RunSpec> spec_from_node(const state::RunNode& node) {
  auto cfg = repo::load_repo_config(node.path);
  if (!cfg) return cfg.error();
  const config::Workflow* wf = (*cfg)->find_workflow(node.workflow);
  if (wf == nullptr) return Error{"workflow '" + node.workflow + "' not found"};
  RunSpec spec;
  spec.run_id = node.run_id;
  spec.identity = node.repository;
  spec.path = node.path;
  spec.checkout = node.path;
  struct stat st {};
  if (node.worktree && ::stat(node.worktree->c_str(), &st) == 0) spec.checkout = *node.worktree;
  spec.config = *cfg;
  spec.workflow = wf;
  spec.inputs.values = node.inputs;
  for (const auto& [k, v] : node.inputs.items()) spec.inputs.texts[k] = input_text(v);
  spec.event = node.event;
  spec.workspace = node.workspace;
  spec.depth = node.depth;
  return spec;
}

}  // namespace tako::engine
