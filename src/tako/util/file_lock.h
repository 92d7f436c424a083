// Inter-process locks (REFERENCE.md §14, paths §2): an exclusive flock(2) on a file, released by
// closing the descriptor, so a crashed process never leaves a lock behind.
//
// flock locks belong to the open file description: two FileLocks on the same path
// exclude each other even inside one process. Lock files are never deleted (deleting
// a lock file races with flock); directories are created with mode 0700, files 0600.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "tako/util/fs.h"
#include "tako/util/result.h"

namespace tako::util {

class FileLock {
 public:
  FileLock() = default;
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept = default;
  ~FileLock() = default;  // closing the fd releases the lock

  bool held() const { return fd_.valid(); }
  const std::string& path() const { return path_; }
  int fd() const { return fd_.get(); }
  void release() { fd_.reset(); }

  // Replaces the file's content (informational payload; not fsynced).
  Status write_payload(std::string_view text);

  // Non-blocking. nullopt: held by another open file description.
  // Errors: "mkdir <dir>: <reason>", "open <path>: <reason>", "flock <path>: <reason>".
  static Result<std::optional<FileLock>> try_acquire(const std::string& path);

  // Waits up to `timeout` (flock LOCK_NB polled every 5..50 ms; no busy spin).
  // nullopt on timeout. on_blocked runs once, the first time the lock is found busy.
  // If cancel_fd >= 0 becomes readable (e.g. InterruptGuard::fd()), returns the error
  // "interrupted" promptly.
  static Result<std::optional<FileLock>> acquire(const std::string& path, std::chrono::nanoseconds timeout,
                                                 const std::function<void()>& on_blocked = {},
                                                 int cancel_fd = -1);

  // True if somebody currently holds the lock on `path` (probe with LOCK_NB; a missing
  // file counts as free).
  static bool is_locked(const std::string& path);

  // The file's current content ("" when missing).
  static std::string read_payload(const std::string& path);

 private:
  FileLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}
  UniqueFd fd_;
  std::string path_;
};

// §14 payload: {"pid","run_id","repository","path","acquired_at"}.
struct LockHolder {
  long long pid = 0;
  std::string run_id{};
  std::string repository{};
  std::string path{};
  std::string acquired_at{};  // RFC 3339
  // Where the holder's process records the locks its runs wait for (docs/PROCESSES.md,
  // "Deadlock detection"); written after the §14 fields, omitted when empty.
  std::string wait_file{};
};

std::string lock_holder_json(const LockHolder& holder);
// nullopt when the file is missing/empty/not the expected JSON.
std::optional<LockHolder> read_lock_holder(const std::string& lock_path);

struct LockRequest {
  std::string lock_path{};
  std::string repository{};  // <repository> in the messages
  // Written into the lock after acquiring; pid 0 = getpid(), empty acquired_at = now.
  LockHolder self{};
  std::chrono::nanoseconds timeout = std::chrono::minutes(10);
  std::string timeout_text = "10m";  // <timeout> as the user wrote it
  // Receives the wait message once (no newline). Default: one write(2) to stderr.
  std::function<void(const std::string&)> on_wait{};
  int cancel_fd = -1;  // see FileLock::acquire
  // Asked while blocked: a non-empty answer ends the wait at once with that error
  // (the §14 deadlock). Called after each failed attempt, so it may read the lock file.
  std::function<std::string()> deadlock_check{};
};

// §14: acquires `lock_path`, writing `self` as payload. While blocked, reports once
//   waiting for lock on <repository> (held by run <run-id>, pid <pid>)
// and on timeout fails with
//   timed out after <timeout> waiting for lock on <repository> (held by run <run-id>, pid <pid>)
// Fields the holder has not written (yet) show as "unknown".
Result<FileLock> acquire_lock(const LockRequest& request);
// Non-blocking: the lock with `self` written as payload, or nullopt when busy.
Result<std::optional<FileLock>> try_acquire_lock(const LockRequest& request);

// <git dir>/tako.lock when `canonical_path` is in a git checkout (every worktree has its own
// git dir), else <home>/locks/repo-<first 16 hex of SHA-256(canonical_path)>.lock (REFERENCE.md §2).
std::string repo_lock_path(const std::string& home, const std::string& canonical_path);
// <home>/locks/run-<run-id>.lock
std::string run_lock_path(const std::string& home, const std::string& run_id);
// <cache>/locks/<owner>+<repo>+<ref>.lock
std::string cache_lock_path(const std::string& cache, const std::string& owner, const std::string& repo,
                            const std::string& ref);

}  // namespace tako::util
