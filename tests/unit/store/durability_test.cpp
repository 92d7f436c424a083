// The durability rules of --state-sync (§11.3), all in one place: SyncPolicy
// and the journal's use of it.
#include <sys/stat.h>

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/journal.h"

namespace tako::store {
namespace {

using namespace std::chrono_literals;

const SteadyTime t0 = SteadyTime{} + 100s;

TEST(SyncPolicy, FullNeverAsksForASync) {
  SyncPolicy p(SyncMode::Full, 1000ms);
  EXPECT_FALSE(p.after_commit(t0, false));
  EXPECT_FALSE(p.after_commit(t0 + 5s, true));
  EXPECT_FALSE(p.deadline());
  EXPECT_FALSE(p.due(t0 + 10s));
}

TEST(SyncPolicy, NormalSyncsWithinTheIntervalOfTheFirstUnsyncedCommit) {
  SyncPolicy p(SyncMode::Normal, 1000ms);
  EXPECT_FALSE(p.deadline());
  EXPECT_FALSE(p.after_commit(t0, false));
  EXPECT_EQ(p.deadline(), t0 + 1000ms);
  // Later commits do not push the deadline back.
  EXPECT_FALSE(p.after_commit(t0 + 999ms, false));
  EXPECT_EQ(p.deadline(), t0 + 1000ms);
  EXPECT_FALSE(p.due(t0 + 999ms));
  EXPECT_TRUE(p.due(t0 + 1000ms));
  EXPECT_TRUE(p.after_commit(t0 + 1000ms, false));
  p.synced();
  EXPECT_FALSE(p.deadline());
  EXPECT_FALSE(p.due(t0 + 1h));
}

TEST(SyncPolicy, NormalSyncsAtTheEndOfEveryRun) {
  SyncPolicy p(SyncMode::Normal, 1000ms);
  EXPECT_TRUE(p.after_commit(t0, true));
  p.synced();
  EXPECT_FALSE(p.after_commit(t0 + 1ms, false));
  EXPECT_TRUE(p.after_commit(t0 + 2ms, true));
}

int64_t synchronous(Journal& j) {
  auto v = j.db().pragma_int("synchronous");
  EXPECT_TRUE(v.ok());
  return v.ok() ? *v : -1;
}

TEST(JournalDurability, ModesSetSqliteSynchronous) {
  Fixture f;
  auto normal = f.open(SyncMode::Normal);
  EXPECT_EQ(synchronous(*normal), 1);  // NORMAL
  normal.reset();
  auto full = f.open(SyncMode::Full);
  EXPECT_EQ(synchronous(*full), 2);  // FULL
}

TEST(JournalDurability, NormalSyncsAtRunEndAndOnceTheIntervalPassed) {
  Fixture f;
  f.steady = t0;
  auto j = f.open(SyncMode::Normal);
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->step_started("exec-r", running_step("a", 1)));
  EXPECT_EQ(j->sync_count(), 0u);
  EXPECT_EQ(j->next_sync_deadline(), t0 + 1s);
  f.steady = t0 + 999ms;
  ASSERT_OK(j->sync_if_due());
  EXPECT_EQ(j->sync_count(), 0u);
  f.steady = t0 + 1s;
  ASSERT_OK(j->sync_if_due());  // the owner's loop wakes at the deadline
  EXPECT_EQ(j->sync_count(), 1u);
  EXPECT_FALSE(j->next_sync_deadline());
  ASSERT_OK(j->sync_if_due());  // nothing unsynced
  EXPECT_EQ(j->sync_count(), 1u);
  // A commit that finds the deadline passed syncs itself.
  f.steady = t0 + 2s;
  StepEnd end;
  end.end_time = at(2);
  ASSERT_OK(j->step_finished("exec-r", "a", end));
  EXPECT_EQ(j->sync_count(), 1u);
  f.steady = t0 + 3s;
  ASSERT_OK(j->step_started("exec-r", running_step("b", 3)));
  EXPECT_EQ(j->sync_count(), 2u);
  // The end of a run always syncs.
  ASSERT_OK(j->run_finished("exec-r", state::RunStatus::Completed, at(4), 0, std::nullopt));
  EXPECT_EQ(j->sync_count(), 3u);
}

TEST(JournalDurability, FullLeavesSyncingToSqlite) {
  Fixture f;
  f.steady = t0;
  auto j = f.open(SyncMode::Full);
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->run_finished("exec-r", state::RunStatus::Completed, at(4), 0, std::nullopt));
  f.steady = t0 + 1h;
  ASSERT_OK(j->sync_if_due());
  EXPECT_EQ(j->sync_count(), 0u);
  EXPECT_FALSE(j->next_sync_deadline());
}

off_t file_size(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_size;
}

// sync() checkpoints: the log (synced first by SQLite) is copied into the database.
TEST(JournalDurability, SyncCheckpointsTheLog) {
  Fixture f;
  f.steady = t0;
  auto j = f.open(SyncMode::Normal);
  ASSERT_OK(j->sync());
  const off_t before = file_size(f.path);
  for (int i = 0; i < 50; ++i) {
    state::RunNode r = root_run("exec-" + std::to_string(i), i);
    r.inputs = {{"blob", std::string(2000, 'x')}};
    ASSERT_OK(j->run_created(r));
  }
  EXPECT_EQ(file_size(f.path), before);  // everything is still in the log
  ASSERT_OK(j->sync());
  EXPECT_GT(file_size(f.path), before + 50 * 2000);
}

}  // namespace
}  // namespace tako::store
