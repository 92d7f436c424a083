// Crash safety (§11.2): a writer killed with SIGKILL at an arbitrary moment
// leaves a store that opens, passes SQLite's integrity check, and whose current
// tables reflect exactly the changes its history records.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"

namespace tako::store {
namespace {

// The child: commits step after step; after `signal_after` commits it writes one
// byte to `fd` and goes on until killed.
[[noreturn]] void writer(const std::string& path, SyncMode mode, int signal_after, int fd) {
  JournalOptions o;
  o.sync = mode;
  o.pid = ::getpid();
  auto j = Journal::open(path, o);
  if (!j) _exit(2);
  if (!(*j)->run_created(root_run("exec-crash", 0))) _exit(3);
  int commits = 1;
  for (int i = 0; i < 1000000; ++i) {
    const std::string id = "step-" + std::to_string(i);
    if (!(*j)->step_started("exec-crash", running_step(id, i))) _exit(4);
    StepEnd end;
    end.end_time = at(i + 1);
    end.outputs = {{"i", std::to_string(i)}};
    if (!(*j)->step_finished("exec-crash", id, end)) _exit(5);
    commits += 2;
    if (commits >= signal_after && signal_after > 0) {
      char b = 'x';
      if (::write(fd, &b, 1) != 1) _exit(6);
      signal_after = 0;
    }
  }
  _exit(7);
}

int64_t count(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st.ok()) << sql;
  auto row = st->step();
  EXPECT_TRUE(row.ok() && *row) << sql;
  return st->int64(0);
}

void check_consistent(const std::string& path, int at_least) {
  auto db = open_store(path);
  ASSERT_OK(db);
  auto ic = db->prepare("PRAGMA integrity_check");
  ASSERT_OK(ic);
  ASSERT_OK(ic->step());
  EXPECT_EQ(ic->text(0), "ok");
  EXPECT_GE(count(*db, "SELECT count(*) FROM history"), at_least);  // killed after the signal
  EXPECT_EQ(count(*db, "SELECT count(*) FROM history WHERE kind = 'run_created'"), 1);
  EXPECT_EQ(count(*db, "SELECT count(*) FROM runs"), 1);
  // Every step_started row has its step, and no step exists without one.
  EXPECT_EQ(count(*db, "SELECT count(*) FROM history WHERE kind = 'step_started'"),
            count(*db, "SELECT count(*) FROM steps"));
  EXPECT_EQ(count(*db,
                  "SELECT count(*) FROM history h LEFT JOIN steps s ON s.run_id = h.run_id AND s.step_id = h.step_id "
                  "WHERE h.step_id IS NOT NULL AND s.step_id IS NULL"),
            0);
  // Every step_finished row is reflected, and only those: completed steps carry their output.
  EXPECT_EQ(count(*db, "SELECT count(*) FROM history WHERE kind = 'step_finished'"),
            count(*db, "SELECT count(*) FROM steps WHERE status = 'completed'"));
  EXPECT_EQ(count(*db, "SELECT count(*) FROM steps WHERE status = 'completed' AND outputs = '{}'"), 0);
  EXPECT_LE(count(*db, "SELECT count(*) FROM steps WHERE status = 'running'"), 1);
  // The run's current step is the last one started.
  EXPECT_EQ(count(*db,
                  "SELECT count(*) FROM runs WHERE current_step IS NOT (SELECT step_id FROM history "
                  "WHERE kind = 'step_started' ORDER BY seq DESC LIMIT 1)"),
            0);
  auto doc = load_tree(*db, "exec-crash");
  ASSERT_OK(doc);
}

class Crash : public ::testing::TestWithParam<SyncMode> {};

TEST_P(Crash, KilledWriterLeavesAConsistentStore) {
  Fixture f;
  for (int signal_after : {1, 2, 57, 300}) {
    SCOPED_TRACE("signal after " + std::to_string(signal_after) + " commits");
    ::unlink(f.path.c_str());
    ::unlink((f.path + "-wal").c_str());
    ::unlink((f.path + "-shm").c_str());
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(fds[0]);
      writer(f.path, GetParam(), signal_after, fds[1]);
    }
    ::close(fds[1]);
    char b = 0;
    const ssize_t n = ::read(fds[0], &b, 1);  // the child is mid-loop when this returns
    ::close(fds[0]);
    ::kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_EQ(n, 1) << "the writer exited early, status " << status;
    ASSERT_TRUE(WIFSIGNALED(status));
    check_consistent(f.path, signal_after);
  }
}

INSTANTIATE_TEST_SUITE_P(Store, Crash, ::testing::Values(SyncMode::Normal, SyncMode::Full),
                         [](const auto& info) { return info.param == SyncMode::Full ? "full" : "normal"; });

}  // namespace
}  // namespace tako::store
