// Helpers for the proc tests: deadlines instead of sleeps, process liveness checks.
#pragma once

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

namespace tako::proc::testing {

using namespace std::chrono_literals;

inline std::chrono::steady_clock::time_point in(std::chrono::nanoseconds d) {
  return std::chrono::steady_clock::now() + d;
}

// Polls cond() (every 2 ms) until true or the deadline; returns the last value.
inline bool eventually(const std::function<bool()>& cond, std::chrono::nanoseconds limit = 10s) {
  auto deadline = in(limit);
  for (;;) {
    if (cond()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(2ms);
  }
}

// 'R', 'S', 'Z', ... or 0 when there is no such process.
inline char proc_state(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s;
  if (!std::getline(f, s)) return 0;
  auto rp = s.rfind(')');
  if (rp == std::string::npos || rp + 2 >= s.size()) return 0;
  return s[rp + 2];
}

// Gone, or a zombie waiting for a reaper that is not us (orphans of PID 1).
inline bool dead(pid_t pid) {
  char st = proc_state(pid);
  return st == 0 || st == 'Z' || st == 'X';
}

inline int open_fd_count() {
  int n = 0;
  if (DIR* d = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') ++n;
    }
    ::closedir(d);
  }
  return n - 1;  // the DIR's own descriptor
}

}  // namespace tako::proc::testing
