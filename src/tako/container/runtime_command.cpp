#include "tako/container/runtime_command.h"

#include "tako/proc/supervisor.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::container {

std::string CommandResult::failure_text() const {
  if (!spawn_error.empty()) return spawn_error;
  if (timed_out) return "timed out after " + util::format_go_duration(std::chrono::duration_cast<util::Nanos>(limit));
  std::string e(util::trim(err));
  if (!e.empty()) return e;
  std::string o(util::trim(out));
  if (!o.empty()) return o;
  return status.describe();
}

CommandResult run_runtime_command(const RuntimeCommand& cmd) {
  CommandResult result;
  result.limit = cmd.timeout;
  proc::Supervisor sup;
  if (!cmd.stop_on_interrupt) sup.set_interrupt_handler([](int) {});
  proc::ChildSpec spec;
  spec.spawn.argv = cmd.argv;
  spec.spawn.env = cmd.env;
  spec.capture_stdout = true;
  spec.capture_stderr = true;
  if (cmd.timeout.count() > 0) spec.timeout = cmd.timeout;
  spec.kill_grace = std::chrono::seconds(1);
  spec.on_exit = [&result](proc::ExitInfo& info) {
    result.status = info.status;
    result.timed_out = info.timed_out;
    result.out = std::move(info.stdout_text);
    result.err = std::move(info.stderr_text);
  };
  auto id = sup.spawn(std::move(spec));
  if (!id) {
    result.spawn_error = id.error().message;
    return result;
  }
  sup.wait_all();
  result.ok = !result.timed_out && result.status.success();
  return result;
}

}  // namespace tako::container
