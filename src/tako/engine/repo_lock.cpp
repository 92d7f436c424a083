#include "tako/engine/repo_lock.h"

#include <cstdlib>
#include <memory>

#include "tako/proc/interrupt.h"

namespace tako::engine {

namespace {

util::LockRequest repo_request(const std::string& home, const std::string& path, const std::string& repository,
                               const std::string& run_id) {
  std::string canonical = path;
  if (std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free); real) {
    canonical = real.get();
  }
  util::LockRequest req;
  req.lock_path = util::repo_lock_path(home, canonical);
  req.repository = repository;
  req.self.run_id = run_id.empty() ? "tako-run" : run_id;
  req.self.repository = repository;
  req.self.path = canonical;
  return req;
}

}  // namespace

Result<std::optional<RepoLock>> try_repo_lock(const std::string& home, const std::string& path,
                                              const std::string& repository, const std::string& run_id) {
  return util::try_acquire_lock(repo_request(home, path, repository, run_id));
}

Result<RepoLock> acquire_repo_lock(const std::string& home, const std::string& path,
                                   const std::string& repository, const std::string& run_id,
                                   util::Nanos timeout, const std::string& timeout_text, int cancel_fd) {
  util::LockRequest req = repo_request(home, path, repository, run_id);
  req.timeout = timeout;
  req.timeout_text = timeout_text;
  if (cancel_fd == -2) {
    if (auto* guard = proc::InterruptGuard::active()) req.cancel_fd = guard->fd();
  } else {
    req.cancel_fd = cancel_fd;
  }
  return util::acquire_lock(req);
}

}  // namespace tako::engine
