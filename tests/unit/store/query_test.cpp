#include "tako/store/query.h"

#include <chrono>
#include <cstdio>

#include <gtest/gtest.h>

#include "helpers.h"

namespace tako::store {
namespace {

std::vector<std::string> ids(const std::vector<RunSummary>& runs) {
  std::vector<std::string> out;
  for (const auto& r : runs) out.push_back(r.run_id);
  return out;
}

TEST(Query, ListsRootRunsNewestFirstWithLimit) {
  Fixture f;
  auto j = f.open();
  // Inserted out of order; b and c start at the same instant (tie: greater id first).
  ASSERT_OK(j->run_created(root_run("exec-a", 100)));
  ASSERT_OK(j->run_created(root_run("exec-c", 300)));
  ASSERT_OK(j->run_created(root_run("exec-b", 300)));
  ASSERT_OK(j->run_created(root_run("exec-d", 200)));
  state::RunNode pending = root_run("exec-p", 0);
  pending.start_time.reset();
  pending.status = state::RunStatus::Pending;
  ASSERT_OK(j->run_created(pending));
  // A child is never listed.
  ASSERT_OK(j->step_started("exec-a", running_step("fan", 1)));
  state::RunNode child = root_run("exec-child", 999);
  child.parent_run_id = "exec-a";
  child.parent_step = "fan";
  ASSERT_OK(j->child_created(child));
  ASSERT_OK(j->run_finished("exec-d", state::RunStatus::TimedOut, at(250), 50, std::string("timed out")));

  auto all = list_runs(j->db(), std::nullopt);
  ASSERT_OK(all);
  EXPECT_EQ(ids(*all), (std::vector<std::string>{"exec-c", "exec-b", "exec-d", "exec-a", "exec-p"}));
  const RunSummary& d = (*all)[2];
  EXPECT_EQ(d.status, state::RunStatus::TimedOut);
  EXPECT_EQ(d.workflow, "release");
  EXPECT_EQ(d.repository, "my-org/lib");
  EXPECT_EQ(d.start_time, at(200));
  EXPECT_EQ(d.end_time, at(250));
  EXPECT_EQ(d.duration_ms, 50);
  EXPECT_EQ(d.pid, 4242);
  EXPECT_EQ(d.hostname, "host-a");
  EXPECT_FALSE((*all)[4].start_time);

  auto two = list_runs(j->db(), 2);
  ASSERT_OK(two);
  EXPECT_EQ(ids(*two), (std::vector<std::string>{"exec-c", "exec-b"}));
  auto none = list_runs(j->db(), 0);
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
}

TEST(Query, EmptyStoreListsNothing) {
  Fixture f;
  auto j = f.open();
  auto all = list_runs(j->db(), 20);
  ASSERT_OK(all);
  EXPECT_TRUE(all->empty());
}

TEST(Query, ListUsesTheIndex) {
  Fixture f;
  auto j = f.open();
  auto plan = j->db().prepare(std::string("EXPLAIN QUERY PLAN ") + kListRunsSql);
  ASSERT_OK(plan);
  std::string text;
  for (;;) {
    auto row = plan->step();
    ASSERT_OK(row);
    if (!*row) break;
    text += plan->text(3) + "\n";
  }
  EXPECT_NE(text.find("runs_recent_roots"), std::string::npos) << text;
  EXPECT_EQ(text.find("TEMP B-TREE"), std::string::npos) << text;
}

// Values that the journal never writes (the file was edited behind tako's back)
// make the store unreadable, not tako crash.
TEST(Query, InvalidValuesAreUnreadable) {
  struct Case {
    const char* sql;
    const char* reason;
  };
  const Case cases[] = {
      {"UPDATE runs SET status = 'bogus' WHERE run_id = 'exec-r'", "invalid status of run exec-r"},
      {"UPDATE runs SET isolation = 'bogus'", "invalid isolation of run exec-r"},
      {"UPDATE runs SET inputs = '{'", "invalid inputs of run exec-r"},
      {"UPDATE runs SET cli_inputs = '[]'", "invalid cli_inputs of run exec-r"},
      {"UPDATE runs SET cli_inputs = '{\"a\": 1}'", "invalid cli_inputs of run exec-r"},
      {"UPDATE runs SET event = '{}'", "invalid event of run exec-r: event.id: missing"},
      {"UPDATE runs SET parent_run_id = 'ghost', depth = 1", "invalid parent of run exec-r"},
      {"UPDATE steps SET kind = 'bogus'", "invalid kind of step exec-r/s"},
      {"UPDATE steps SET status = 'bogus'", "invalid status of step exec-r/s"},
      {"UPDATE steps SET outputs = 'x'", "invalid outputs of step exec-r/s"},
      {"UPDATE events SET body = 'x'", "invalid event of step exec-r/s"},
      {"UPDATE fan_outs SET event = 'x'", "invalid fan-out of step exec-r/s"},
      {"UPDATE fan_outs SET evaluation_errors = 'x'", "invalid fan-out of step exec-r/s"},
      {"UPDATE fan_outs SET evaluation_errors = '{}'", "invalid fan-out of step exec-r/s"},
      {"UPDATE fan_outs SET evaluation_errors = '[1]'", "invalid fan-out of step exec-r/s"},
  };
  for (const Case& c : cases) {
    Fixture f;
    auto j = f.open();
    state::RunNode r = root_run("exec-r", 0);
    r.event = sample_event("evt-1");
    // (run_created takes a root only; the event column is exercised through it too)
    ASSERT_OK(j->run_created(r));
    ASSERT_OK(j->step_started("exec-r", running_step("s", 1)));
    ASSERT_OK(j->event_emitted("exec-r", "s", sample_event("evt-2")));
    state::FanOutRecord rec;
    rec.fan_out_id = "fanout-1";
    rec.event = sample_event("evt-3");
    ASSERT_OK(j->fan_out_recorded("exec-r", "s", rec));
    ASSERT_OK(load_tree(j->db(), "exec-r"));
    ASSERT_OK(j->db().exec("PRAGMA foreign_keys = OFF"));
    ASSERT_OK(j->db().exec(c.sql));
    auto doc = load_tree(j->db(), "exec-r");
    ASSERT_FALSE(doc.ok()) << c.sql;
    EXPECT_EQ(doc.error().message, "state store " + f.path + " is unreadable: " + c.reason) << c.sql;
    if (std::string(c.sql).find("runs SET status") != std::string::npos) {
      auto list = list_runs(j->db(), std::nullopt);
      ASSERT_FALSE(list.ok());
      EXPECT_EQ(list.error().message, "state store " + f.path + " is unreadable: invalid status of run exec-r");
    }
  }
}

TEST(Query, StatementErrorsAreReturned) {
  const char* drops[] = {"DROP TABLE fan_outs", "DROP TABLE events", "DROP TABLE steps", "DROP TABLE runs"};
  for (const char* drop : drops) {
    Fixture f;
    auto j = f.open();
    ASSERT_OK(j->run_created(root_run("exec-r", 0)));
    ASSERT_OK(j->db().exec("PRAGMA foreign_keys = OFF"));
    ASSERT_OK(j->db().exec(drop));
    auto doc = load_tree(j->db(), "exec-r");
    ASSERT_FALSE(doc.ok()) << drop;
    EXPECT_EQ(doc.error().message.rfind("state store " + f.path + ": no such table: ", 0), 0u) << doc.error().message;
  }
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->db().exec("DROP INDEX runs_recent_roots"));
  auto list = list_runs(j->db(), 1);
  ASSERT_FALSE(list.ok());
  EXPECT_EQ(list.error().message, "state store " + f.path + ": no such index: runs_recent_roots");
  // A reader inside another transaction cannot take its snapshot.
  ASSERT_OK(j->db().exec("BEGIN"));
  auto doc = load_tree(j->db(), "exec-r");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().message, "state store " + f.path + ": cannot start a transaction within a transaction");
}

TEST(Query, TreeHistoryInCommitOrderAfterASeq) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->run_created(root_run("exec-other", 0)));
  ASSERT_OK(j->step_started("exec-r", running_step("fan", 1)));
  state::RunNode c = root_run("exec-c", 2);
  c.parent_run_id = "exec-r";
  c.parent_step = "fan";
  ASSERT_OK(j->child_created(c));
  f.wall_ns = 77;
  ASSERT_OK(j->run_finished("exec-c", state::RunStatus::Completed, at(3), 1, std::nullopt));
  ASSERT_OK(j->run_waiting("exec-other", "parent"));
  auto h = tree_history(j->db(), "exec-r");
  ASSERT_OK(h);
  std::vector<std::string> got;
  for (const auto& e : *h) got.push_back(e.run_id + " " + e.kind + " " + e.step_id.value_or("-"));
  EXPECT_EQ(got, (std::vector<std::string>{"exec-r run_created -", "exec-r step_started fan",
                                           "exec-c child_created -", "exec-c run_finished -"}));
  EXPECT_EQ(h->back().time, at(77));
  EXPECT_EQ(h->back().data, (nlohmann::json{{"status", "completed"}}));
  auto later = tree_history(j->db(), "exec-r", (*h)[1].seq);
  ASSERT_OK(later);
  ASSERT_EQ(later->size(), 2u);
  EXPECT_EQ(later->front().kind, "child_created");
  auto none = tree_history(j->db(), "exec-missing");
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  ASSERT_OK(j->db().exec("UPDATE history SET data = 'x' WHERE kind = 'run_finished'"));
  auto bad = tree_history(j->db(), "exec-r");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("state store " + f.path + " is unreadable: invalid history row ", 0), 0u);
  ASSERT_OK(j->db().exec("DROP TABLE history"));
  bad = tree_history(j->db(), "exec-r");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "state store " + f.path + ": no such table: history");
}

TEST(Query, ReadersDoNotWaitForAWriter) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  OpenOptions o;
  o.busy_timeout = std::chrono::milliseconds(10);
  auto writer = Db::open(f.path, o);
  ASSERT_OK(writer);
  auto held = Txn::begin(*writer);
  ASSERT_OK(held);
  ASSERT_OK(writer->exec("UPDATE runs SET status = 'failed'"));  // uncommitted
  auto reader = Db::open(f.path, o);
  ASSERT_OK(reader);
  auto doc = load_tree(*reader, "exec-r");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->root.status, state::RunStatus::Running);
  auto list = list_runs(*reader, 5);
  ASSERT_OK(list);
  EXPECT_EQ(list->size(), 1u);
}

// 10,000 root runs (each with a step), then the list and one tree. The times are
// printed for docs/STATE.md, never asserted (no wall-clock asserts).
TEST(Query, TenThousandRuns) {
  Fixture f;
  auto j = f.open();
  using clock = std::chrono::steady_clock;
  auto w0 = clock::now();
  for (int i = 0; i < 10000; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "exec-20250715-120000-%08x", i);
    ASSERT_OK(j->run_created(root_run(id, int64_t{i} * 1000)));
    ASSERT_OK(j->step_started(id, running_step("build", int64_t{i} * 1000 + 1)));
  }
  auto t0 = clock::now();
  auto list = list_runs(j->db(), 20);
  auto t1 = clock::now();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 20u);
  EXPECT_EQ(list->front().run_id, "exec-20250715-120000-0000270f");
  auto tree = load_tree(j->db(), "exec-20250715-120000-00001234");
  auto t2 = clock::now();
  ASSERT_OK(tree);
  EXPECT_EQ(tree->root.steps.size(), 1u);
  auto all = list_runs(j->db(), std::nullopt);
  auto t3 = clock::now();
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 10000u);
  auto us = [](auto d) { return std::chrono::duration_cast<std::chrono::microseconds>(d).count(); };
  std::printf("[ timing ] 20,000 journal commits %lld us; 10,000 runs: list 20 %lld us, load one tree %lld us, "
              "list all %lld us\n",
              static_cast<long long>(us(t0 - w0)), static_cast<long long>(us(t1 - t0)), static_cast<long long>(us(t2 - t1)),
              static_cast<long long>(us(t3 - t2)));
}

}  // namespace
}  // namespace tako::store
