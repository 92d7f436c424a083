// The engine's side of the store: SharedJournal (threads, the sync timer, the first
// error), children_created (one transaction for a fan-out's children), tree_resumed,
// run_finished of a run that never started, run_exists and open_existing_store.
#include "tako/store/shared_journal.h"

#include <sys/stat.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"

namespace tako::store {
namespace {

state::RunNode child(const std::string& id) {
  state::RunNode c;
  c.run_id = id;
  c.parent_run_id = "exec-root";
  c.parent_step = "fan";
  c.repository = "my-org/" + id;
  c.path = "/src/" + id;
  c.workflow = "test";
  c.status = state::RunStatus::Pending;
  c.depth = 1;
  c.workspace = "/ws/children/" + id;
  c.waiting_for = "concurrency slot";
  return c;
}

int64_t count(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st.ok());
  auto row = st->step();
  EXPECT_TRUE(row.ok() && *row);
  return st->int64(0);
}

TEST(ChildrenCreated, AllOrNothingInOneTransaction) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  ASSERT_OK(j->run_created(root_run("exec-root", 0)));
  ASSERT_OK(j->step_started("exec-root", running_step("fan", 1)));
  state::RunNode a = child("exec-a"), b = child("exec-b"), dup = child("exec-a");
  // The second child clashes with the first (same id): neither is recorded.
  auto bad = j->children_created({&a, &dup});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(count(j->db(), "SELECT COUNT(*) FROM runs"), 1);
  EXPECT_EQ(count(j->db(), "SELECT COUNT(*) FROM history WHERE kind = 'children_created'"), 0);
  ASSERT_OK(j->children_created({&a, &b}));
  EXPECT_EQ(count(j->db(), "SELECT COUNT(*) FROM history WHERE kind = 'children_created'"), 1);
  auto doc = load_tree(j->db(), "exec-root");
  ASSERT_OK(doc);
  EXPECT_FALSE(doc->root.steps.front().fan_out.has_value());  // no fan-out row was recorded
  ASSERT_EQ(doc->root.children.size(), 2u);
  EXPECT_EQ(doc->root.children.front().run_id, "exec-a");  // trigger order
  EXPECT_EQ(doc->root.children.back().waiting_for, "concurrency slot");
}

TEST(ChildrenCreated, RefusesChildrenOfDifferentParentsOrNone) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  ASSERT_OK(j->run_created(root_run("exec-root", 0)));
  ASSERT_OK(j->step_started("exec-root", running_step("fan", 1)));
  state::RunNode a = child("exec-a"), b = child("exec-b");
  b.parent_step = "other";
  EXPECT_FALSE(j->children_created({&a, &b}).ok());
  state::RunNode orphan = child("exec-c");
  orphan.parent_run_id.reset();
  EXPECT_FALSE(j->children_created({&orphan}).ok());
  ASSERT_OK(j->children_created({}));  // nothing to record is no change
  EXPECT_EQ(count(j->db(), "SELECT COUNT(*) FROM runs"), 1);
}

TEST(Journal, TreeResumedStampsTheNewOwner) {
  Fixture f;
  {
    auto j = f.open();
    ASSERT_OK(j->run_created(root_run("exec-root", 0)));
  }
  JournalOptions o = f.options();
  o.pid = 777;
  o.hostname = "host-b";
  o.tako_version = "0.2.0";
  auto j = Journal::open(f.path, o);
  ASSERT_OK(j);
  ASSERT_OK((*j)->tree_resumed("exec-root"));
  auto doc = load_tree((*j)->db(), "exec-root");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->pid, 777);
  EXPECT_EQ(doc->hostname, "host-b");
  EXPECT_EQ(doc->tako_version, "0.2.0");
  EXPECT_FALSE((*j)->tree_resumed("exec-unknown").ok());
}

TEST(Journal, RunFinishedWithoutAnEndKeepsItNull) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-root", 0)));
  ASSERT_OK(j->step_started("exec-root", running_step("fan", 1)));
  ASSERT_OK(j->child_created(child("exec-a")));
  ASSERT_OK(j->run_finished("exec-a", state::RunStatus::Cancelled, std::nullopt, std::nullopt,
                            std::string("cancelled")));
  auto doc = load_tree(j->db(), "exec-root");
  ASSERT_OK(doc);
  const state::RunNode& a = doc->root.children.front();
  EXPECT_EQ(a.status, state::RunStatus::Cancelled);
  EXPECT_FALSE(a.end_time);
  EXPECT_EQ(a.error, "cancelled");
}

TEST(Query, RunExistsForRootsAndChildren) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-root", 0)));
  ASSERT_OK(j->step_started("exec-root", running_step("fan", 1)));
  ASSERT_OK(j->child_created(child("exec-a")));
  for (const char* id : {"exec-root", "exec-a"}) {
    auto r = run_exists(j->db(), id);
    ASSERT_OK(r);
    EXPECT_TRUE(*r) << id;
  }
  auto none = run_exists(j->db(), "exec-nope");
  ASSERT_OK(none);
  EXPECT_FALSE(*none);
}

TEST(Schema, OpenExistingNeverCreates) {
  util::TempDir dir("tako-store-test");
  const std::string path = dir.path() + "/tako.db";
  auto missing = open_existing_store(path);
  ASSERT_OK(missing);
  EXPECT_FALSE(*missing);
  struct stat st {};
  EXPECT_NE(::stat(path.c_str(), &st), 0);  // still no file
  EXPECT_EQ(store_path(dir.path()), path);
  (void)util::write_file_atomic(path, "not a database, not at all, not in any way whatsoever....", 0600);
  auto bad = open_existing_store(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "state store " + path + " is unreadable: file is not a database");
}

TEST(SharedJournal, ThreadsCommitWithoutLosingAChange) {
  Fixture f;
  auto sj = SharedJournal::open(f.path, f.options());
  ASSERT_OK(sj);
  ASSERT_OK((*sj)->apply([](Journal& j) { return j.run_created(root_run("exec-root", 0)); }));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        state::StepNode s = running_step("s" + std::to_string(t) + "-" + std::to_string(i), i);
        EXPECT_TRUE((*sj)->apply([&](Journal& j) { return j.step_started("exec-root", s); }).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_OK((*sj)->finish());
  auto db = open_store(f.path);
  ASSERT_OK(db);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM steps"), 100);
  EXPECT_EQ(count(*db, "SELECT COUNT(*) FROM history"), 101);
}

TEST(SharedJournal, KeepsTheFirstErrorUntilFinish) {
  Fixture f;
  auto sj = SharedJournal::open(f.path, f.options());
  ASSERT_OK(sj);
  EXPECT_TRUE((*sj)->first_error().ok());
  auto bad = (*sj)->apply([](Journal& j) { return j.run_started("exec-unknown", at(0)); });
  ASSERT_FALSE(bad.ok());
  (void)(*sj)->apply([](Journal& j) { return j.run_waiting("exec-other", "parent"); });  // a second error
  ASSERT_OK((*sj)->apply([](Journal& j) { return j.run_created(root_run("exec-root", 0)); }));
  auto first = (*sj)->first_error();
  ASSERT_FALSE(first.ok());
  EXPECT_EQ(first.error().message, bad.error().message);
  auto end = (*sj)->finish();
  ASSERT_FALSE(end.ok());
  EXPECT_EQ(end.error().message, bad.error().message);
}

TEST(SharedJournal, TheTimerSyncsAnUnsyncedCommitWithoutAnotherCommit) {
  // The real clock here: the timer thread is what is tested. A one-millisecond interval
  // keeps the test fast; the wait is a poll with a deadline, not a sleep.
  Fixture f;
  JournalOptions o = f.options();
  o.clock = [] { return std::chrono::steady_clock::now(); };
  o.sync_interval = std::chrono::milliseconds(1);
  auto sj = SharedJournal::open(f.path, o);
  ASSERT_OK(sj);
  ASSERT_OK((*sj)->apply([](Journal& j) { return j.run_created(root_run("exec-root", 0)); }));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while ((*sj)->sync_count() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  EXPECT_GE((*sj)->sync_count(), 1u);
}

TEST(SharedJournal, OpenErrorsAreReturned) {
  util::TempDir dir("tako-store-test");
  const std::string path = dir.path() + "/tako.db";
  (void)util::write_file_atomic(path, "garbage garbage garbage garbage garbage garbage garbage garbage", 0600);
  auto sj = SharedJournal::open(path);
  ASSERT_FALSE(sj.ok());
  EXPECT_EQ(sj.error().message, "state store " + path + " is unreadable: file is not a database");
}

}  // namespace
}  // namespace tako::store
