#include "tako/util/file_lock.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tako/util/sha256.h"
#include "test_util.h"

namespace tako::util {
namespace {

using namespace std::chrono_literals;
using proc::testing::in;

// A forked process that takes the lock like another tako would, reports 'L', holds it
// until told (any byte or EOF on its control pipe), then releases, reports 'R', exits.
class Holder {
 public:
  Holder(const std::string& path, const std::string& run_id) {
    int ctl[2], rep[2];
    EXPECT_EQ(::pipe2(ctl, O_CLOEXEC), 0);
    EXPECT_EQ(::pipe2(rep, O_CLOEXEC), 0);
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(ctl[1]);
      ::close(rep[0]);
      LockRequest req;
      req.lock_path = path;
      req.repository = "my-org/app";
      req.self.run_id = run_id;
      req.self.repository = "my-org/app";
      req.self.path = "/src/app";
      req.timeout = 10s;
      auto lock = acquire_lock(req);
      if (!lock.ok()) ::_exit(2);
      if (::write(rep[1], "L", 1) != 1) ::_exit(3);
      char c;
      [[maybe_unused]] ssize_t n = ::read(ctl[0], &c, 1);
      lock->release();
      n = ::write(rep[1], "R", 1);
      ::_exit(0);
    }
    ::close(ctl[0]);
    ::close(rep[1]);
    ctl_ = ctl[1];
    rep_ = rep[0];
  }
  ~Holder() {
    if (ctl_ >= 0) ::close(ctl_);
    if (rep_ >= 0) ::close(rep_);
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  // Next report byte, or 0 after 10 s / EOF.
  char report() {
    pollfd p{rep_, POLLIN, 0};
    if (::poll(&p, 1, 10000) != 1) return 0;
    char c = 0;
    return ::read(rep_, &c, 1) == 1 ? c : 0;
  }
  void tell_release() { [[maybe_unused]] ssize_t n = ::write(ctl_, "x", 1); }
  void kill_hard() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int ctl_ = -1, rep_ = -1;
};

TEST(FileLock, ExclusiveWithinOneProcess) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/locks/a.lock";
  auto a = FileLock::try_acquire(path);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(a->has_value());
  EXPECT_TRUE((*a)->held());
  EXPECT_TRUE(FileLock::is_locked(path));
  auto b = FileLock::try_acquire(path);
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
  (*a)->release();
  EXPECT_FALSE(FileLock::is_locked(path));
  auto c = FileLock::try_acquire(path);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->has_value());
}

TEST(FileLock, CreatesParentsWithPrivateModes) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/home/locks/x.lock";
  auto a = FileLock::try_acquire(path);
  ASSERT_TRUE(a.ok() && a->has_value());
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() + "/home/locks").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(FileLock, OpenErrors) {
  auto a = FileLock::try_acquire("/proc/tako-not-a-dir/x.lock");
  EXPECT_FALSE(a.ok());
  EXPECT_FALSE(FileLock::is_locked("/nonexistent/x.lock"));
}

TEST(FileLock, PayloadRoundTrip) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/r.lock";
  auto lock = acquire_lock({.lock_path = path, .repository = "o/r",
                            .self = {.run_id = "run-1", .repository = "o/r", .path = "/p"}});
  ASSERT_TRUE(lock.ok()) << lock.error().message;
  auto h = read_lock_holder(path);
  ASSERT_TRUE(h.has_value());
  EXPECT_EQ(h->pid, ::getpid());
  EXPECT_EQ(h->run_id, "run-1");
  EXPECT_EQ(h->repository, "o/r");
  EXPECT_EQ(h->path, "/p");
  EXPECT_EQ(h->acquired_at.size(), std::string("2024-01-02T03:04:05.123456789Z").size());
  std::string text = FileLock::read_payload(path);
  EXPECT_EQ(text.rfind("{\"pid\":", 0), 0u) << text;
  EXPECT_NE(text.find("\"acquired_at\":"), std::string::npos);
  // A rewrite replaces (not appends), shorter or longer than before.
  ASSERT_TRUE(lock->write_payload("{}").ok());
  EXPECT_EQ(FileLock::read_payload(path), "{}");
  ASSERT_TRUE(lock->write_payload("{\"pid\":12345}").ok());
  EXPECT_EQ(FileLock::read_payload(path), "{\"pid\":12345}");
  ASSERT_TRUE(lock->write_payload("{\"pid\":67890}").ok());
  EXPECT_EQ(FileLock::read_payload(path), "{\"pid\":67890}");
  ASSERT_TRUE(lock->write_payload("{\"pid\":1}").ok());
  EXPECT_EQ(FileLock::read_payload(path), "{\"pid\":1}");
  EXPECT_FALSE(read_lock_holder(dir.path() + "/missing.lock").has_value());
}

TEST(FileLock, ContentionBetweenProcessesTimesOutWithSpecMessages) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/locks/repo.lock";
  Holder holder(path, "run-123");
  ASSERT_EQ(holder.report(), 'L');
  std::vector<std::string> waits;
  auto start = std::chrono::steady_clock::now();
  auto r = acquire_lock({.lock_path = path, .repository = "my-org/app", .timeout = 300ms, .timeout_text = "300ms",
                         .on_wait = [&](const std::string& m) { waits.push_back(m); }});
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  std::string held = "(held by run run-123, pid " + std::to_string(holder.pid()) + ")";
  EXPECT_EQ(waits, std::vector<std::string>{"waiting for lock on my-org/app " + held});
  EXPECT_EQ(r.error().message, "timed out after 300ms waiting for lock on my-org/app " + held);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 3s);
}

TEST(FileLock, BlockedAcquireWakesPromptlyOnRelease) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/repo.lock";
  Holder holder(path, "run-9");
  ASSERT_EQ(holder.report(), 'L');
  int blocked = 0;
  auto start = std::chrono::steady_clock::now();
  auto r = FileLock::acquire(path, 10s, [&] {
    ++blocked;
    holder.tell_release();
  });
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ(blocked, 1);
  EXPECT_LT(took, 2s);
  EXPECT_EQ(holder.report(), 'R');
}

TEST(FileLock, ReleasedWhenHolderDies) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/repo.lock";
  Holder holder(path, "run-dead");
  ASSERT_EQ(holder.report(), 'L');
  EXPECT_TRUE(FileLock::is_locked(path));
  holder.kill_hard();
  EXPECT_FALSE(FileLock::is_locked(path));
  auto r = acquire_lock({.lock_path = path, .repository = "my-org/app", .self = {.run_id = "run-new"},
                         .timeout = 5s, .on_wait = [](const std::string& m) { ADD_FAILURE() << m; }});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(read_lock_holder(path)->run_id, "run-new");
}

TEST(FileLock, HolderWithoutPayloadShowsUnknown) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/repo.lock";
  auto mine = FileLock::try_acquire(path);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  std::vector<std::string> waits;
  auto r = acquire_lock({.lock_path = path, .repository = "o/r", .timeout = 10ms, .timeout_text = "10ms",
                         .on_wait = [&](const std::string& m) { waits.push_back(m); }});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(waits, std::vector<std::string>{"waiting for lock on o/r (held by run unknown, pid unknown)"});
  EXPECT_EQ(r.error().message, "timed out after 10ms waiting for lock on o/r (held by run unknown, pid unknown)");
}

TEST(FileLock, CancelFdInterruptsWait) {
  TempDir dir("tako-lock");
  std::string path = dir.path() + "/repo.lock";
  auto mine = FileLock::try_acquire(path);
  ASSERT_TRUE(mine.ok() && mine->has_value());
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  auto r = FileLock::acquire(path, 10s, [&] { ASSERT_EQ(::write(p[1], "x", 1), 1); }, p[0]);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "interrupted");
  auto r2 = acquire_lock({.lock_path = path, .repository = "o/r", .timeout = 10s,
                          .on_wait = [](const std::string&) {}, .cancel_fd = p[0]});
  ASSERT_FALSE(r2.ok());
  EXPECT_EQ(r2.error().message, "interrupted");
  ::close(p[0]);
  ::close(p[1]);
}

TEST(FileLock, Paths) {
  EXPECT_EQ(repo_lock_path("/h", "/src/app"), "/h/locks/repo-" + sha256_hex("/src/app").substr(0, 16) + ".lock");
  EXPECT_EQ(repo_lock_path("/h", "/src/app").size(), std::string("/h/locks/repo-").size() + 16 + 5);
  EXPECT_EQ(run_lock_path("/h", "abc"), "/h/locks/run-abc.lock");
  EXPECT_EQ(cache_lock_path("/c", "o", "r", "main"), "/c/locks/o+r+main.lock");
}

}  // namespace
}  // namespace tako::util
