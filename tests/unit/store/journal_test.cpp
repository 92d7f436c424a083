#include "tako/store/journal.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "helpers.h"
#include "tako/store/schema.h"
#include "tako/store/query.h"

namespace tako::store {
namespace {

struct HistoryRow {
  int64_t seq;
  int64_t time;
  std::string run_id;
  std::optional<std::string> step_id;
  std::string kind;
  nlohmann::json data;
};

std::vector<HistoryRow> history(Db& db) {
  std::vector<HistoryRow> out;
  auto st = db.prepare("SELECT seq, time, run_id, step_id, kind, data FROM history ORDER BY seq");
  EXPECT_TRUE(st.ok());
  for (;;) {
    auto row = st->step();
    if (!row.ok() || !*row) break;
    out.push_back({st->int64(0), st->int64(1), st->text(2), st->opt_text(3), st->text(4),
                   nlohmann::json::parse(st->text(5))});
  }
  return out;
}

std::vector<std::string> kinds(Db& db) {
  std::vector<std::string> out;
  for (const auto& h : history(db)) out.push_back(h.kind);
  return out;
}

// A root run with one fan-out step that triggered two children.
void build_fan_out(Journal& j) {
  ASSERT_OK(j.run_created(root_run("exec-root", 0)));
  state::StepNode fan = running_step("fan", 10);
  fan.kind = state::StepKind::Uses;
  fan.uses = "tako/fan-out@v1";
  ASSERT_OK(j.step_started("exec-root", fan));
  state::FanOutRecord rec;
  rec.fan_out_id = "fanout-0123456789abcdef";
  rec.event = sample_event("evt-1");
  rec.timeout = "30m";
  ASSERT_OK(j.fan_out_recorded("exec-root", "fan", rec));
  for (const char* id : {"exec-child-a", "exec-child-b"}) {
    state::RunNode c;
    c.run_id = id;
    c.parent_run_id = "exec-root";
    c.parent_step = "fan";
    c.key = std::string("fp:my-org/") + id + ":build";
    c.repository = std::string("my-org/") + id;
    c.path = std::string("/src/") + id;
    c.workflow = "build";
    c.depth = 1;
    c.workspace = std::string("/ws/children/") + id;
    c.event = rec.event;
    c.inputs = {{"v", "1.2.3"}};
    c.waiting_for = "concurrency slot";
    ASSERT_OK(j.child_created(c));
  }
}

TEST(Journal, EveryVerbIsOneHistoryRowInOrder) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  build_fan_out(*j);
  f.wall_ns = 100;
  ASSERT_OK(j->run_waiting("exec-child-a", "lock on my-org/exec-child-a"));
  ASSERT_OK(j->run_started("exec-child-a", at(110)));
  ASSERT_OK(j->worktree_set("exec-child-a", "/ws/children/exec-child-a/worktree"));
  ASSERT_OK(j->step_started("exec-child-a", running_step("build", 120), 777));
  ASSERT_OK(j->event_emitted("exec-child-a", "build", sample_event("evt-2")));
  StepEnd end;
  end.status = state::StepStatus::Completed;
  end.end_time = at(130);
  end.duration_ms = 0;
  end.exit_code = 0;
  end.outputs = {{"artifact", "x.tgz"}};
  ASSERT_OK(j->step_finished("exec-child-a", "build", end));
  ASSERT_OK(j->run_finished("exec-child-a", state::RunStatus::Completed, at(140), 0, std::nullopt));
  ASSERT_OK(j->fan_out_errors("exec-root", "fan", {"my-org/x: no match"}));
  EXPECT_EQ(kinds(j->db()),
            (std::vector<std::string>{"run_created", "step_started", "fan_out_recorded", "child_created",
                                      "child_created", "run_waiting", "run_started", "worktree_set", "step_started",
                                      "event_emitted", "step_finished", "run_finished", "fan_out_errors"}));
  auto h = history(j->db());
  EXPECT_EQ(h[0].run_id, "exec-root");
  EXPECT_FALSE(h[0].step_id);
  EXPECT_EQ(h[1].step_id, "fan");
  EXPECT_EQ(h[8].data, (nlohmann::json{{"status", "running"}, {"pgid", 777}}));
  EXPECT_EQ(h[10].data, (nlohmann::json{{"status", "completed"}, {"exit_code", 0}}));
  EXPECT_EQ(h[11].data, (nlohmann::json{{"status", "completed"}}));
  EXPECT_EQ(h[5].time, testing::to_nanos_for_test(at(100)));
  for (size_t i = 1; i < h.size(); ++i) EXPECT_LT(h[i - 1].seq, h[i].seq);

  auto doc = load_tree(j->db(), "exec-root");
  ASSERT_OK(doc);
  const state::RunNode& a = doc->root.children.front();
  EXPECT_EQ(a.status, state::RunStatus::Completed);
  EXPECT_EQ(a.worktree, "/ws/children/exec-child-a/worktree");
  EXPECT_FALSE(a.waiting_for);
  EXPECT_FALSE(a.current_step);  // a completed run has none
  ASSERT_EQ(a.steps.size(), 1u);
  EXPECT_EQ(a.steps.front().outputs, (std::map<std::string, std::string>{{"artifact", "x.tgz"}}));
  EXPECT_EQ(a.steps.front().exit_code, 0);
  // step_finished replaces the events with its own list (here: none).
  EXPECT_TRUE(a.steps.front().events.empty());
  EXPECT_EQ(doc->root.steps.front().fan_out->evaluation_errors, std::vector<std::string>{"my-org/x: no match"});
  EXPECT_EQ(doc->root.steps.front().fan_out->children,
            (std::vector<std::string>{"exec-child-a", "exec-child-b"}));
  EXPECT_EQ(doc->root.children.back().waiting_for, "concurrency slot");
  EXPECT_EQ(doc->updated_at, at(100));  // every change stamps the root
  EXPECT_EQ(doc->pid, 4242);
  EXPECT_EQ(doc->hostname, "host-a");
  EXPECT_EQ(doc->tako_version, "0.1.0");
}

TEST(Journal, PgidIsKeptWhileRunningAndClearedAtTheEnd) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->step_started("exec-r", running_step("s", 1), 31337));
  auto pg = j->db().prepare("SELECT pgid FROM steps WHERE run_id = 'exec-r' AND step_id = 's'");
  ASSERT_OK(pg);
  ASSERT_OK(pg->step());
  EXPECT_EQ(pg->opt_int64(0), 31337);
  pg->reset();
  StepEnd end;
  end.status = state::StepStatus::Failed;
  end.end_time = at(2);
  end.error = "exit status 1";
  end.exit_code = 1;
  ASSERT_OK(j->step_finished("exec-r", "s", end));
  ASSERT_OK(pg->step());
  EXPECT_FALSE(pg->opt_int64(0));
}

TEST(Journal, RerunStepMovesToTheEndKeepsFanOutDropsEvents) {
  Fixture f;
  auto j = f.open();
  build_fan_out(*j);
  ASSERT_OK(j->step_started("exec-root", running_step("after", 20)));
  ASSERT_OK(j->event_emitted("exec-root", "fan", sample_event("evt-9")));
  // Resume: the fan-out step runs again.
  state::StepNode again = running_step("fan", 30);
  again.kind = state::StepKind::Uses;
  again.uses = "tako/fan-out@v1";
  ASSERT_OK(j->step_started("exec-root", again));
  auto doc = load_tree(j->db(), "exec-root");
  ASSERT_OK(doc);
  ASSERT_EQ(doc->root.steps.size(), 2u);
  EXPECT_EQ(doc->root.steps.front().id, "after");
  EXPECT_EQ(doc->root.steps.back().id, "fan");
  EXPECT_EQ(doc->root.steps.back().start_time, at(30));
  EXPECT_TRUE(doc->root.steps.back().events.empty());
  ASSERT_TRUE(doc->root.steps.back().fan_out);
  EXPECT_EQ(doc->root.steps.back().fan_out->children.size(), 2u);
  EXPECT_EQ(doc->root.current_step, "fan");
}

TEST(Journal, EventsKeepEmissionOrder) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->step_started("exec-r", running_step("emit", 1)));
  ASSERT_OK(j->event_emitted("exec-r", "emit", sample_event("evt-b")));
  ASSERT_OK(j->event_emitted("exec-r", "emit", sample_event("evt-a")));
  auto doc = load_tree(j->db(), "exec-r");
  ASSERT_OK(doc);
  const auto& ev = doc->root.steps.front().events;
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].id, "evt-b");
  EXPECT_EQ(ev[1], sample_event("evt-a"));
  // step_finished records the step's final list.
  StepEnd end;
  end.end_time = at(2);
  end.events = {sample_event("evt-c")};
  ASSERT_OK(j->step_finished("exec-r", "emit", end));
  doc = load_tree(j->db(), "exec-r");
  ASSERT_OK(doc);
  ASSERT_EQ(doc->root.steps.front().events.size(), 1u);
  EXPECT_EQ(doc->root.steps.front().events[0].id, "evt-c");
}

TEST(Journal, RunStartedKeepsAResumedRunsStartTime) {
  Fixture f;
  auto j = f.open();
  state::RunNode r = root_run("exec-r", 0);
  r.status = state::RunStatus::Pending;
  r.start_time.reset();
  ASSERT_OK(j->run_created(r));
  ASSERT_OK(j->run_started("exec-r", at(5)));
  ASSERT_OK(j->run_finished("exec-r", state::RunStatus::Failed, at(9), 0, std::string("step 'x' failed")));
  ASSERT_OK(j->run_started("exec-r", at(50)));  // resume
  auto doc = load_tree(j->db(), "exec-r");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->root.start_time, at(5));
  EXPECT_EQ(doc->root.status, state::RunStatus::Running);
  EXPECT_FALSE(doc->root.end_time);
  EXPECT_FALSE(doc->root.error);
  EXPECT_FALSE(doc->root.duration_ms);
}

TEST(Journal, FailedRunKeepsItsCurrentStep) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->step_started("exec-r", running_step("s", 1)));
  ASSERT_OK(j->run_finished("exec-r", state::RunStatus::Cancelled, at(2), 0, std::string("interrupted")));
  auto doc = load_tree(j->db(), "exec-r");
  ASSERT_OK(doc);
  EXPECT_EQ(doc->root.current_step, "s");
  EXPECT_EQ(doc->root.error, "interrupted");
}

// Errors: the change and its history row are both rolled back.
TEST(Journal, VerbsOnUnknownNodesFailAndLeaveNoTrace) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  const std::string p = "state store " + f.path;
  auto expect = [&](const Status& s, const std::string& text) {
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.error().message, text);
  };
  expect(j->run_waiting("nope", "parent"), p + " has no run nope");
  expect(j->run_started("nope", at(1)), p + " has no run nope");
  expect(j->worktree_set("nope", "/w"), p + " has no run nope");
  expect(j->step_started("nope", running_step("s", 1)), p + " has no run nope");
  expect(j->step_finished("exec-r", "nope", {}), p + " has no step exec-r/nope");
  expect(j->fan_out_errors("exec-r", "nope", {}), p + " has no fan-out exec-r/nope");
  expect(j->run_finished("nope", state::RunStatus::Completed, at(1), 0, std::nullopt), p + " has no run nope");
  expect(j->event_emitted("exec-r", "nope", sample_event("e")), p + ": FOREIGN KEY constraint failed");
  expect(j->fan_out_recorded("exec-r", "nope", {}), p + ": FOREIGN KEY constraint failed");
  expect(j->run_created(root_run("exec-r", 0)), p + ": UNIQUE constraint failed: runs.run_id");
  state::RunNode orphan = root_run("exec-o", 0);
  orphan.parent_run_id = "exec-r";
  expect(j->run_created(orphan), p + ": run exec-o has a parent; use child_created");
  orphan.parent_step.reset();
  expect(j->child_created(orphan), p + ": child run exec-o has no parent run and step");
  orphan.parent_step = "nope";
  expect(j->child_created(orphan), p + " has no step exec-r/nope");
  orphan.parent_run_id = "ghost";
  expect(j->child_created(orphan), p + " has no step ghost/nope");
  EXPECT_EQ(kinds(j->db()), std::vector<std::string>{"run_created"});
}

TEST(Journal, ABusyStoreFailsTheVerbAfterTheTimeout) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  OpenOptions o;
  o.busy_timeout = std::chrono::milliseconds(10);
  auto other = Db::open(f.path, o);
  ASSERT_OK(other);
  {
    auto held = Txn::begin(*other);
    ASSERT_OK(held);
    auto s = j->run_waiting("exec-r", "parent");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "state store " + f.path + " is busy");
  }
  ASSERT_OK(j->run_waiting("exec-r", "parent"));  // free again
  EXPECT_EQ(kinds(j->db()), (std::vector<std::string>{"run_created", "run_waiting"}));
}

TEST(Journal, OpenErrorsAreReturned) {
  Fixture f;
  {
    auto db = Db::open(f.path);
    ASSERT_OK(db);
    ASSERT_OK(db->exec("PRAGMA user_version = 99"));
  }
  auto j = Journal::open(f.path, f.options());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().message, "state store " + f.path + " has schema version 99, newer than this tako (" + std::to_string(kSchemaVersion) + ")");
}

TEST(Journal, ParsesSyncModes) {
  EXPECT_EQ(parse_sync_mode("normal"), SyncMode::Normal);
  EXPECT_EQ(parse_sync_mode("full"), SyncMode::Full);
  EXPECT_FALSE(parse_sync_mode("FULL"));
  EXPECT_FALSE(parse_sync_mode(""));
}

}  // namespace
}  // namespace tako::store

namespace tako::store {
namespace {

// Every statement of a verb can fail (disk full, I/O error, ...): a trigger raising an
// error stands in for it. The verb returns the error and leaves no trace.
TEST(JournalFailures, AFailingStatementRollsTheVerbBack) {
  struct Case {
    const char* trigger;  // body of the trigger's ON clause
    std::function<Status(Journal&)> verb;
  };
  auto end = [] {
    StepEnd e;
    e.end_time = testing::at(9);
    e.events = {sample_event("evt-9")};
    return e;
  };
  const std::vector<Case> cases = {
      {"BEFORE INSERT ON history", [](Journal& j) { return j.run_waiting("exec-r", "parent"); }},
      {"BEFORE UPDATE OF updated_at ON runs", [](Journal& j) { return j.run_waiting("exec-r", "parent"); }},
      {"BEFORE INSERT ON runs", [](Journal& j) { return j.run_created(root_run("exec-x", 0)); }},
      {"BEFORE INSERT ON runs",
       [](Journal& j) {
         state::RunNode c = root_run("exec-c", 0);
         c.parent_run_id = "exec-r";
         c.parent_step = "s";
         return j.child_created(c);
       }},
      {"BEFORE UPDATE OF current_step ON runs", [](Journal& j) { return j.step_started("exec-r", running_step("t", 1)); }},
      {"BEFORE INSERT ON steps", [](Journal& j) { return j.step_started("exec-r", running_step("t", 1)); }},
      {"BEFORE DELETE ON events", [](Journal& j) { return j.step_started("exec-r", running_step("s", 1)); }},
      {"BEFORE DELETE ON events", [end](Journal& j) { return j.step_finished("exec-r", "s", end()); }},
      {"BEFORE INSERT ON events", [end](Journal& j) { return j.step_finished("exec-r", "s", end()); }},
      {"BEFORE INSERT ON events", [](Journal& j) { return j.event_emitted("exec-r", "s", sample_event("e")); }},
      {"BEFORE INSERT ON fan_outs",
       [](Journal& j) {
         state::FanOutRecord rec;
         rec.fan_out_id = "fanout-2";
         return j.fan_out_recorded("exec-r", "t", rec);
       }},
      {"BEFORE UPDATE ON fan_outs", [](Journal& j) { return j.fan_out_errors("exec-r", "s", {"x"}); }},
      {"BEFORE UPDATE OF status ON steps", [end](Journal& j) { return j.step_finished("exec-r", "s", end()); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.trigger);
    Fixture f;
    auto j = f.open();
    ASSERT_OK(j->run_created(root_run("exec-r", 0)));
    ASSERT_OK(j->step_started("exec-r", running_step("s", 1)));
    ASSERT_OK(j->event_emitted("exec-r", "s", sample_event("evt-1")));
    state::FanOutRecord rec;
    rec.fan_out_id = "fanout-1";
    ASSERT_OK(j->fan_out_recorded("exec-r", "s", rec));
    ASSERT_OK(j->step_started("exec-r", running_step("t", 1)));
    ASSERT_OK(j->db().exec(std::string("CREATE TRIGGER boom ") + c.trigger + " BEGIN SELECT RAISE(ABORT, 'boom'); END"));
    const int64_t before = history(j->db()).size();
    auto s = c.verb(*j);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "state store " + f.path + ": boom");
    EXPECT_EQ(static_cast<int64_t>(history(j->db()).size()), before);
  }
}

// A commit that fails (here: a deferred foreign key) rolls back.
TEST(JournalFailures, AFailingCommitRollsBack) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  ASSERT_OK(j->db().exec("PRAGMA defer_foreign_keys = ON"));
  auto s = j->event_emitted("exec-r", "ghost", sample_event("e"));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "state store " + f.path + ": FOREIGN KEY constraint failed");
  EXPECT_EQ(kinds(j->db()), std::vector<std::string>{"run_created"});
  ASSERT_OK(j->run_waiting("exec-r", "parent"));  // no transaction left open
}

// A store that claims the current version but lacks the tables.
TEST(JournalFailures, MissingTablesFailTheOpen) {
  Fixture f;
  {
    auto db = Db::open(f.path);
    ASSERT_OK(db);
    ASSERT_OK(db->exec("PRAGMA user_version = " + std::to_string(kSchemaVersion)));
  }
  auto j = Journal::open(f.path, f.options());
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().message, "state store " + f.path + ": no such table: history");
}

}  // namespace
}  // namespace tako::store
