// Process-wide SIGINT/SIGTERM handling (REFERENCE.md §1.1, §7.12).
//
// An InterruptGuard installs async-signal-safe handlers for SIGINT and SIGTERM and sets
// SIGPIPE to SIG_IGN for its lifetime (previous dispositions are restored on
// destruction). The first signal is recorded and one byte is written to a self-pipe that
// is never drained: fd() stays readable from then on, so any number of pollers in any
// threads can watch it (level-triggered, nothing is consumed). Later signals only
// increase count(). Children started by proc::spawn get default dispositions and an
// empty mask regardless.
//
// Typical use in main():
//   proc::InterruptGuard guard;   // lives as long as the process does real work
//   ... Supervisors terminate their children on interrupt (see supervisor.h) ...
//   if (guard.interrupted()) { print "Error: interrupted"; return guard.exit_code(); }
#pragma once

#include <chrono>

namespace tako::proc {

class InterruptGuard {
 public:
  // At most one guard may exist at a time; a second one throws std::logic_error.
  InterruptGuard();
  ~InterruptGuard();
  InterruptGuard(const InterruptGuard&) = delete;
  InterruptGuard& operator=(const InterruptGuard&) = delete;

  // The guard currently installed, or nullptr.
  static InterruptGuard* active();

  bool interrupted() const;
  // The first signal received (SIGINT or SIGTERM), 0 if none.
  int signal() const;
  // Number of SIGINT/SIGTERM received so far.
  int count() const;
  // 130 for SIGINT, 143 for SIGTERM, 0 when not interrupted.
  int exit_code() const;
  // Readable once interrupted (and forever after). Never read from it.
  int fd() const { return read_fd_; }
  // Sleeps up to `timeout`, waking at once on an interrupt; returns interrupted(). For
  // commands that poll something else on an interval (`tako logs --follow`, `tako cancel`).
  bool sleep_unless_interrupted(std::chrono::milliseconds timeout) const;

 private:
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace tako::proc
