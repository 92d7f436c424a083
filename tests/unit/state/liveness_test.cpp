#include "tako/state/liveness.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "sample.h"
#include "tako/util/file_lock.h"
#include "tako/util/fs.h"

using namespace tako::state;
using namespace tako::state::testing;

namespace {

// A pid that certainly does not exist any more: a child that exited and was reaped.
pid_t dead_pid() {
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  int status = 0;
  ::waitpid(p, &status, 0);
  return p;
}

StateDocument running_doc(int64_t pid, std::string host) {
  StateDocument d = appendix_b();
  d.root.status = RunStatus::Running;
  d.pid = pid;
  d.hostname = std::move(host);
  return d;
}

}  // namespace

TEST(StateLiveness, ProcessExists) {
  EXPECT_TRUE(process_exists(::getpid()));
  EXPECT_FALSE(process_exists(dead_pid()));
  EXPECT_FALSE(process_exists(0));
  EXPECT_FALSE(process_exists(-1));
  EXPECT_FALSE(process_exists(int64_t(1) << 40));
}

TEST(StateLiveness, AliveOnlyWithLockAndLiveProcess) {
  tako::util::TempDir home("tako-home");
  StateDocument d = running_doc(::getpid(), local_hostname());
  // Run lock free -> interrupted, even though the pid exists.
  EXPECT_FALSE(owner_alive(d, home.path()));
  auto lock = tako::util::FileLock::try_acquire(tako::util::run_lock_path(home.path(), d.root.run_id));
  ASSERT_TRUE(lock.ok());
  ASSERT_TRUE(lock->has_value());
  EXPECT_TRUE(owner_alive(d, home.path()));
  // Lock held (by someone) but the recorded pid on this host is gone -> interrupted.
  d.pid = dead_pid();
  EXPECT_FALSE(owner_alive(d, home.path()));
  // Another host: the pid cannot be checked; the held lock decides.
  d.hostname = "some-other-host.invalid";
  EXPECT_TRUE(owner_alive(d, home.path()));
  (*lock)->release();
  EXPECT_FALSE(owner_alive(d, home.path()));
}

TEST(StateLiveness, DisplayStatus) {
  RunNode r = run("exec-20250715-120000-1a2b3c4d", "o/r", "w", RunStatus::Running);
  EXPECT_EQ(display_status(r, true), DisplayStatus::Running);
  EXPECT_EQ(display_status(r, false), DisplayStatus::Interrupted);
  r.status = RunStatus::Failed;
  EXPECT_EQ(display_status(r, false), DisplayStatus::Failed);
  r.status = RunStatus::Pending;
  EXPECT_EQ(display_status(r, false), DisplayStatus::Pending);
  EXPECT_EQ(to_string(DisplayStatus::Interrupted), "interrupted");
  EXPECT_EQ(to_upper(DisplayStatus::TimedOut), "TIMED_OUT");
  StateDocument d = appendix_b();
  EXPECT_FALSE(has_running_run(d));
  d.root.children.front().children.front().status = RunStatus::Running;
  EXPECT_TRUE(has_running_run(d));
}
