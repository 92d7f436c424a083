// Short runtime commands outside a step's own process (detection, `image inspect`, `pull`,
// `rm -f`): run to completion with a limit, output captured.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/proc/spawn.h"

namespace tako::container {

struct RuntimeCommand {
  std::vector<std::string> argv;
  std::optional<std::vector<std::string>> env;  // nullopt: tako's environment
  proc::Nanos timeout{};
  // true: SIGINT/SIGTERM of tako ends the command (detection, pull). false: it runs to its
  // end or its limit even after an interrupt — cleanup (`rm -f`) must still happen then.
  bool stop_on_interrupt = true;
};

struct CommandResult {
  bool ok = false;         // exited 0 within the limit
  bool timed_out = false;
  std::string spawn_error;  // the runtime could not be started at all
  proc::ExitStatus status{};
  std::string out, err;
  proc::Nanos limit{};  // the limit it ran with (for the timeout text)
  // For an error message: trimmed stderr, else trimmed stdout, else the spawn error, the
  // timeout, or the exit status.
  std::string failure_text() const;
};

CommandResult run_runtime_command(const RuntimeCommand& cmd);

}  // namespace tako::container
