// The repository lock of REFERENCE.md §14: <git dir>/tako.lock of the checkout (shared by every tako
// process whatever its TAKO_HOME), or <home>/locks/repo-<h>.lock outside git (§2).
#pragma once

#include <string>
#include <vector>

#include "tako/util/file_lock.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::engine {

using RepoLock = util::FileLock;

// The lock file guarding the checkout at `path`.
std::string repo_lock_file(const std::string& home, const std::string& path);

// Blocks (printing the §14 wait message once) until the lock on `path` is free
// or `timeout` passes. `run_id` is recorded in the lock file ("" for `tako run`).
// The wait ends early with "interrupted" when `cancel_fd` becomes readable
// (-2: the interrupt guard's fd; -1: none).
// `waiting_runs` (the waiting run, then its ancestors) makes the wait visible to other
// processes and ends it with the §14 deadlock error when it closes a cycle (lock_waits.h);
// empty: a plain wait (`tako run`, whose locks never wait for anything).
Result<RepoLock> acquire_repo_lock(const std::string& home, const std::string& path,
                                   const std::string& repository, const std::string& run_id,
                                   util::Nanos timeout, const std::string& timeout_text, int cancel_fd = -2,
                                   const std::vector<std::string>& waiting_runs = {});

// Non-blocking variant: nullopt when another holder has the lock.
Result<std::optional<RepoLock>> try_repo_lock(const std::string& home, const std::string& path,
                                              const std::string& repository, const std::string& run_id);

}  // namespace tako::engine
