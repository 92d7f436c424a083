#include "tako/proc/exit_status.h"

#include <signal.h>
#include <sys/wait.h>

namespace tako::proc {

std::string signal_name(int sig) {
  // Go's syscall signal table for linux (zerrors_linux_*.go), indexed by number.
  static const char* const kNames[] = {
      nullptr,
      "hangup",                    // 1 SIGHUP
      "interrupt",                 // 2 SIGINT
      "quit",                      // 3 SIGQUIT
      "illegal instruction",       // 4 SIGILL
      "trace/breakpoint trap",     // 5 SIGTRAP
      "aborted",                   // 6 SIGABRT
      "bus error",                 // 7 SIGBUS
      "floating point exception",  // 8 SIGFPE
      "killed",                    // 9 SIGKILL
      "user defined signal 1",     // 10 SIGUSR1
      "segmentation fault",        // 11 SIGSEGV
      "user defined signal 2",     // 12 SIGUSR2
      "broken pipe",               // 13 SIGPIPE
      "alarm clock",               // 14 SIGALRM
      "terminated",                // 15 SIGTERM
      "stack fault",               // 16 SIGSTKFLT
      "child exited",              // 17 SIGCHLD
      "continued",                 // 18 SIGCONT
      "stopped (signal)",          // 19 SIGSTOP
      "stopped",                   // 20 SIGTSTP
      "stopped (tty input)",       // 21 SIGTTIN
      "stopped (tty output)",      // 22 SIGTTOU
      "urgent I/O condition",      // 23 SIGURG
      "CPU time limit exceeded",   // 24 SIGXCPU
      "file size limit exceeded",  // 25 SIGXFSZ
      "virtual timer expired",     // 26 SIGVTALRM
      "profiling timer expired",   // 27 SIGPROF
      "window changed",            // 28 SIGWINCH
      "I/O possible",              // 29 SIGIO
      "power failure",             // 30 SIGPWR
      "bad system call",           // 31 SIGSYS
  };
  if (sig > 0 && sig < static_cast<int>(sizeof kNames / sizeof kNames[0])) return kNames[sig];
  return "signal " + std::to_string(sig);
}

std::string ExitStatus::describe() const {
  std::string s;
  if (signaled()) {
    s = "signal: " + signal_name(signal);
    if (core_dumped) s += " (core dumped)";
  } else {
    s = "exit status " + std::to_string(exit_code);
  }
  return s;
}

ExitStatus ExitStatus::from_wait_status(int status) {
  ExitStatus st;
  if (WIFEXITED(status)) {
    st.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    st.signal = WTERMSIG(status);
    st.core_dumped = WCOREDUMP(status);
  }
  return st;
}

ExitStatus ExitStatus::from_siginfo(int code, int status) {
  ExitStatus st;
  if (code == CLD_EXITED) {
    st.exit_code = status;
  } else {
    st.signal = status;
    st.core_dumped = code == CLD_DUMPED;
  }
  return st;
}

}  // namespace tako::proc
