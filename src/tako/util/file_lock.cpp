#include "tako/util/file_lock.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <nlohmann/json.hpp>

#include "tako/util/git_dir.h"
#include "tako/util/sha256.h"

namespace tako::util {

namespace {

using Clock = std::chrono::steady_clock;

std::string parent_dir(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return {};
  return path.substr(0, slash);
}

// Sleeps up to `d`, returning true early if cancel_fd becomes readable.
bool sleep_or_cancel(std::chrono::milliseconds d, int cancel_fd) {
  pollfd p{cancel_fd, POLLIN, 0};
  int rc = ::poll(cancel_fd >= 0 ? &p : nullptr, cancel_fd >= 0 ? 1 : 0, static_cast<int>(d.count()));
  return rc > 0 && cancel_fd >= 0;
}

bool cancelled(int cancel_fd) { return cancel_fd >= 0 && sleep_or_cancel(std::chrono::milliseconds(0), cancel_fd); }

std::string rfc3339_now() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  std::tm tm{};
  ::gmtime_r(&ts.tv_sec, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09ldZ", static_cast<long>(ts.tv_nsec));
  return std::string(buf) + frac;
}

}  // namespace

Status FileLock::write_payload(std::string_view text) {
  if (!fd_.valid()) return Error{"write " + path_ + ": lock not held"};
  // Overwritten in place, and only a longer old payload's tail is cut: truncating to 0 first
  // frees the file's block and the write allocates one again, which with a fan-out taking
  // hundreds of repository locks at once cost milliseconds each (docs/PERFORMANCE.md).
  std::size_t off = 0;
  while (off < text.size()) {
    ssize_t n = ::pwrite(fd_.get(), text.data() + off, text.size() - off, static_cast<off_t>(off));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{"write " + path_ + ": " + os_error_text(errno)};
    }
    off += static_cast<std::size_t>(n);
  }
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return Error{"write " + path_ + ": " + os_error_text(errno)};
  if (st.st_size > static_cast<off_t>(text.size()) && ::ftruncate(fd_.get(), static_cast<off_t>(text.size())) != 0) {
    return Error{"write " + path_ + ": " + os_error_text(errno)};
  }
  return {};
}

Result<std::optional<FileLock>> FileLock::try_acquire(const std::string& path) {
  std::string dir = parent_dir(path);
  if (!dir.empty()) {
    if (auto st = make_dirs(dir, 0700); !st) return st.error();
  }
  // A holder never deletes the file, but someone (cache clean) might: make sure the
  // inode we locked is still the one at `path`, else retry on the new file.
  for (int attempt = 0; attempt < 16; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600));
    if (!fd.valid()) return Error{"open " + path + ": " + os_error_text(errno)};
    int rc;
    do {
      rc = ::flock(fd.get(), LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      if (errno == EWOULDBLOCK) return std::optional<FileLock>{};
      return Error{"flock " + path + ": " + os_error_text(errno)};
    }
    struct stat a {}, b {};
    if (::fstat(fd.get(), &a) == 0 && ::stat(path.c_str(), &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
      return std::optional<FileLock>(FileLock(std::move(fd), path));
    }
  }
  return Error{"flock " + path + ": lock file keeps being replaced"};
}

Result<std::optional<FileLock>> FileLock::acquire(const std::string& path, std::chrono::nanoseconds timeout,
                                                  const std::function<void()>& on_blocked, int cancel_fd) {
  auto deadline = Clock::now() + timeout;
  auto backoff = std::chrono::milliseconds(5);
  bool reported = false;
  for (;;) {
    auto r = try_acquire(path);
    if (!r || r->has_value()) return r;
    if (!reported) {
      reported = true;
      if (on_blocked) on_blocked();
    }
    auto now = Clock::now();
    if (now >= deadline) return std::optional<FileLock>{};
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (sleep_or_cancel(std::min(backoff, left), cancel_fd)) return Error{"interrupted"};
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

bool FileLock::is_locked(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (!fd.valid()) return false;
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0) return false;  // closing releases our probe
  return errno == EWOULDBLOCK;
}

std::string FileLock::read_payload(const std::string& path) {
  auto r = read_file(path);
  return r ? std::move(*r) : std::string();
}

std::string lock_holder_json(const LockHolder& h) {
  nlohmann::ordered_json j;
  j["pid"] = h.pid;
  j["run_id"] = h.run_id;
  j["repository"] = h.repository;
  j["path"] = h.path;
  j["acquired_at"] = h.acquired_at;
  if (!h.wait_file.empty()) j["wait_file"] = h.wait_file;
  return j.dump();
}

std::optional<LockHolder> read_lock_holder(const std::string& lock_path) {
  std::string text = FileLock::read_payload(lock_path);
  if (text.empty()) return std::nullopt;
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return std::nullopt;
  LockHolder h;
  auto str = [&](const char* key, std::string& out) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) out = it->get<std::string>();
  };
  if (auto it = j.find("pid"); it != j.end()) {
    if (it->is_number_integer()) {
      h.pid = it->get<long long>();
    } else if (it->is_string()) {
      try {
        h.pid = std::stoll(it->get<std::string>());
      } catch (...) {
      }
    }
  }
  str("run_id", h.run_id);
  str("repository", h.repository);
  str("path", h.path);
  str("acquired_at", h.acquired_at);
  str("wait_file", h.wait_file);
  return h;
}

namespace {

std::string held_by(const std::optional<LockHolder>& h) {
  std::string run = h && !h->run_id.empty() ? h->run_id : "unknown";
  std::string pid = h && h->pid > 0 ? std::to_string(h->pid) : "unknown";
  return "held by run " + run + ", pid " + pid;
}

}  // namespace

Result<std::optional<FileLock>> try_acquire_lock(const LockRequest& req) {
  auto r = FileLock::try_acquire(req.lock_path);
  if (!r) return r.error();
  if (!r->has_value()) return std::optional<FileLock>();
  FileLock lock = std::move(**r);
  LockHolder self = req.self;
  if (self.pid == 0) self.pid = ::getpid();
  if (self.acquired_at.empty()) self.acquired_at = rfc3339_now();
  if (auto st = lock.write_payload(lock_holder_json(self)); !st) return st.error();
  return std::optional<FileLock>(std::move(lock));
}

Result<FileLock> acquire_lock(const LockRequest& req) {
  auto deadline = Clock::now() + req.timeout;
  auto backoff = std::chrono::milliseconds(5);
  std::optional<Clock::time_point> blocked_since;
  bool reported = false;
  auto report = [&](const std::string& msg) {
    if (req.on_wait) {
      req.on_wait(msg);
    } else {
      std::string line = msg + "\n";
      [[maybe_unused]] ssize_t n = ::write(2, line.data(), line.size());
    }
  };
  for (;;) {
    auto r = try_acquire_lock(req);
    if (!r) return r.error();
    if (r->has_value()) return std::move(**r);
    auto now = Clock::now();
    if (!blocked_since) blocked_since = now;
    if (!reported) {
      // The holder writes its payload right after locking; give it a moment so the
      // message can name it.
      auto holder = read_lock_holder(req.lock_path);
      if (holder || now - *blocked_since >= std::chrono::milliseconds(200) || now >= deadline) {
        reported = true;
        report("waiting for lock on " + req.repository + " (" + held_by(holder) + ")");
      }
    }
    if (now >= deadline) {
      return Error{"timed out after " + req.timeout_text + " waiting for lock on " + req.repository + " (" +
                   held_by(read_lock_holder(req.lock_path)) + ")"};
    }
    if (cancelled(req.cancel_fd)) return Error{"interrupted"};
    if (req.deadlock_check) {
      if (std::string msg = req.deadlock_check(); !msg.empty()) return Error{std::move(msg)};
    }
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (sleep_or_cancel(std::min(backoff, left), req.cancel_fd)) return Error{"interrupted"};
    backoff = std::min(backoff * 2, std::chrono::milliseconds(50));
  }
}

std::string repo_lock_path(const std::string& home, const std::string& canonical_path) {
  if (auto git_dir = find_git_dir(canonical_path)) return *git_dir + "/tako.lock";
  return home + "/locks/repo-" + sha256_hex(canonical_path).substr(0, 16) + ".lock";
}

std::string run_lock_path(const std::string& home, const std::string& run_id) {
  return home + "/locks/run-" + run_id + ".lock";
}

std::string cache_lock_path(const std::string& cache, const std::string& owner, const std::string& repo,
                            const std::string& ref) {
  return cache + "/locks/" + owner + "+" + repo + "+" + ref + ".lock";
}

}  // namespace tako::util
