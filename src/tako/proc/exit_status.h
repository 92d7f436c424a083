// How a child process ended, described with Go's texts (REFERENCE.md §7.2): "exit status 1",
// "signal: killed", "signal: segmentation fault (core dumped)".
#pragma once

#include <string>

namespace tako::proc {

// Go's name for a Linux signal ("killed", "terminated", "interrupt", "hangup", ...);
// "signal <n>" for numbers Go has no name for.
std::string signal_name(int sig);

struct ExitStatus {
  int exit_code = -1;        // >= 0 when the process exited normally
  int signal = 0;            // > 0 when it was killed by a signal
  bool core_dumped = false;  // only meaningful with signal

  bool exited() const { return exit_code >= 0; }
  bool signaled() const { return signal > 0; }
  bool success() const { return exit_code == 0; }

  // "exit status <n>" / "signal: <name>" (+ " (core dumped)", as Go's ProcessState.String()).
  std::string describe() const;

  // From a waitpid()-style status word.
  static ExitStatus from_wait_status(int status);
  // From waitid()'s siginfo fields (si_code CLD_EXITED/CLD_KILLED/CLD_DUMPED and si_status).
  static ExitStatus from_siginfo(int code, int status);

  friend bool operator==(const ExitStatus&, const ExitStatus&) = default;
};

}  // namespace tako::proc
