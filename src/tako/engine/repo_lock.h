// The repository lock of SPEC §14, keyed by the checkout's canonical path.
#pragma once

#include <string>

#include "tako/util/file_lock.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::engine {

using RepoLock = util::FileLock;

// Blocks (printing the §14 wait message once) until the lock on `path` is free
// or `timeout` passes. `run_id` is recorded in the lock file ("" for `tako run`).
// The wait ends early with "interrupted" when `cancel_fd` becomes readable
// (-2: the interrupt guard's fd; -1: none).
Result<RepoLock> acquire_repo_lock(const std::string& home, const std::string& path,
                                   const std::string& repository, const std::string& run_id,
                                   util::Nanos timeout, const std::string& timeout_text, int cancel_fd = -2);

// Non-blocking variant: nullopt when another holder has the lock.
Result<std::optional<RepoLock>> try_repo_lock(const std::string& home, const std::string& path,
                                              const std::string& repository, const std::string& run_id);

}  // namespace tako::engine
