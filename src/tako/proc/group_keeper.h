// The keeper: a small process per tako that ends the process groups of running steps
// when tako dies without cleaning up (kill -9, OOM killer, a crash), so nothing a step
// started outlives tako and a later resume never overlaps or repeats it.
//
// Nothing in the kernel ties a step's process group to tako (PR_SET_PDEATHSIG reaches
// only a direct child, fires when the forking *thread* exits and cannot be set through
// posix_spawn; a subreaper only adopts orphans, it does not kill them). So tako forks a
// keeper and keeps one end of a socket pair to it. While an installed keeper exists,
// proc::spawn() tells it every new process group, and Child tells it when a group's
// leader has been reaped. The kernel closes tako's end when tako dies, however it dies:
// the keeper then sees end-of-file and ends every group still registered (SIGTERM, and
// SIGKILL to whatever is left after a short grace). When tako ends normally, the
// destructor first disarms the keeper: normal exits and interrupts behave as before.
//
// The keeper runs only async-signal-safe system calls after fork() (no malloc, no
// locks), so it may be started from a multi-threaded process. It keeps no descriptor of
// tako's except its end of the socket (0-2 are /dev/null; no locks, no pipes, no state
// files), leads its own process group (Ctrl-C in a terminal does not reach it) and exits
// as soon as its work is done.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>

#include "tako/util/fs.h"
#include "tako/util/result.h"

namespace tako::proc {

class GroupKeeper {
 public:
  struct Options {
    // After tako died: how long the groups get between SIGTERM and SIGKILL.
    std::chrono::milliseconds term_grace{500};
  };

  // Forks the keeper and installs it for proc::spawn(). At most one keeper is installed
  // at a time; while one is, start() fails. Errors: "keeper: <call>: <reason>".
  static Result<std::unique_ptr<GroupKeeper>> start(Options options);
  static Result<std::unique_ptr<GroupKeeper>> start() { return start(Options{}); }
  // For `tako exec` / `tako run`: start(), or on failure one line on stderr
  // ("warning: <error>; steps keep running if tako is killed") and nullptr: tako works
  // on without the keeper, as it did before keepers existed.
  static std::unique_ptr<GroupKeeper> start_or_warn();

  // Uninstalls, disarms (registered groups are left alone, as without a keeper), closes
  // tako's end and reaps the keeper.
  ~GroupKeeper();
  GroupKeeper(const GroupKeeper&) = delete;
  GroupKeeper& operator=(const GroupKeeper&) = delete;

  pid_t pid() const { return pid_; }
  // True while a keeper is installed in this process.
  static bool installed();

 private:
  GroupKeeper(pid_t pid, util::UniqueFd fd) : pid_(pid), fd_(std::move(fd)) {}

  pid_t pid_ = -1;
  util::UniqueFd fd_;
};

namespace detail {
// Called by proc::spawn() / Child: register a new process group with the installed
// keeper, and forget it once its leader has been reaped (the id may be reused after
// that). No-ops without a keeper. Thread-safe; async-signal-unsafe.
void keeper_track(pid_t pgid);
void keeper_untrack(pid_t pgid);
}  // namespace detail

}  // namespace tako::proc
