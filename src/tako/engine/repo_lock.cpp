#include "tako/engine/repo_lock.h"

#include <unistd.h>

#include "tako/engine/lock_waits.h"
#include "tako/proc/interrupt.h"
#include "tako/util/fs.h"

namespace tako::engine {

namespace {

std::string canonical_path(const std::string& path) {
  return util::real_path(path).value_or(path);
}

util::LockRequest repo_request(const std::string& home, const std::string& path, const std::string& repository,
                               const std::string& run_id) {
  std::string canonical = canonical_path(path);
  util::LockRequest req;
  req.lock_path = util::repo_lock_path(home, canonical);
  req.repository = repository;
  req.self.run_id = run_id.empty() ? "tako-run" : run_id;
  req.self.repository = repository;
  req.self.path = canonical;
  req.self.wait_file = LockWaits::instance().file();
  return req;
}

}  // namespace

std::string repo_lock_file(const std::string& home, const std::string& path) {
  return util::repo_lock_path(home, canonical_path(path));
}

Result<std::optional<RepoLock>> try_repo_lock(const std::string& home, const std::string& path,
                                              const std::string& repository, const std::string& run_id) {
  return util::try_acquire_lock(repo_request(home, path, repository, run_id));
}

Result<RepoLock> acquire_repo_lock(const std::string& home, const std::string& path,
                                   const std::string& repository, const std::string& run_id,
                                   util::Nanos timeout, const std::string& timeout_text, int cancel_fd,
                                   const std::vector<std::string>& waiting_runs) {
  util::LockRequest req = repo_request(home, path, repository, run_id);
  req.timeout = timeout;
  req.timeout_text = timeout_text;
  if (cancel_fd == -2) {
    if (auto* guard = proc::InterruptGuard::active()) req.cancel_fd = guard->fd();
  } else {
    req.cancel_fd = cancel_fd;
  }
  if (waiting_runs.empty() || LockWaits::instance().file().empty()) return util::acquire_lock(req);
  // Recorded before the first attempt, so that two runs closing a cycle at the same moment
  // each see the other's wait; a cycle must be seen on two consecutive polls, so a holder
  // that has just been replaced (payload not yet rewritten) is not taken for a cycle.
  LockWaits::Guard recorded = LockWaits::instance().add({req.lock_path, repository, waiting_runs});
  DeadlockQuery q{req.lock_path, repository, ::getpid(), waiting_runs};
  int seen = 0;
  req.deadlock_check = [&]() -> std::string {
    std::string msg = find_deadlock(q);
    seen = msg.empty() ? 0 : seen + 1;
    return seen >= 2 ? msg : std::string();
  };
  return util::acquire_lock(req);
}

}  // namespace tako::engine
