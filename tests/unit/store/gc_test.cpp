// delete_finished_trees: whole trees leave the store in one transaction, live ones never.
#include "tako/store/gc.h"

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/query.h"

namespace tako::store {
namespace {

int64_t count(Db& db, const std::string& sql) {
  auto st = db.prepare(sql);
  EXPECT_TRUE(st.ok());
  auto row = st->step();
  EXPECT_TRUE(row.ok() && *row);
  return st->int64(0);
}

// Root `id` with a fan-out step "fan" that emitted an event and triggered one child
// `<id>-child` (its own step and event), everything finished with `status`.
void build_tree(Journal& j, const std::string& id, int64_t start, state::RunStatus status) {
  ASSERT_OK(j.run_created(root_run(id, start)));
  state::StepNode fan = running_step("fan", start + 1);
  fan.kind = state::StepKind::Uses;
  fan.uses = "tako/fan-out@v1";
  ASSERT_OK(j.step_started(id, fan));
  state::FanOutRecord rec;
  rec.fan_out_id = "fanout-0123456789abcdef";
  rec.event = sample_event("evt-" + id);
  ASSERT_OK(j.fan_out_recorded(id, "fan", rec));
  ASSERT_OK(j.event_emitted(id, "fan", rec.event));
  state::RunNode c = root_run(id + "-child", start + 2);
  c.parent_run_id = id;
  c.parent_step = "fan";
  c.depth = 1;
  c.status = state::RunStatus::Pending;
  ASSERT_OK(j.child_created(c));
  ASSERT_OK(j.run_started(c.run_id, at(start + 3)));
  ASSERT_OK(j.step_started(c.run_id, running_step("build", start + 4)));
  ASSERT_OK(j.event_emitted(c.run_id, "build", sample_event("evt-c-" + id)));
  StepEnd end;
  end.end_time = at(start + 5);
  ASSERT_OK(j.step_finished(c.run_id, "build", end));
  ASSERT_OK(j.run_finished(c.run_id, state::RunStatus::Completed, at(start + 6), 0, std::nullopt));
  StepEnd fan_end = end;  // step_finished records the step's events as given
  fan_end.events = {rec.event};
  ASSERT_OK(j.step_finished(id, "fan", fan_end));
  if (status != state::RunStatus::Running) ASSERT_OK(j.run_finished(id, status, at(start + 7), 0, std::nullopt));
}

int64_t rows_of(Db& db, const std::string& table, const std::string& id) {
  return count(db, "SELECT count(*) FROM " + table + " WHERE run_id IN ('" + id + "', '" + id + "-child')");
}

TEST(Gc, DeletesWholeFinishedTreesAndNothingElse) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  build_tree(*j, "exec-a", 100, state::RunStatus::Completed);
  build_tree(*j, "exec-b", 200, state::RunStatus::Failed);
  build_tree(*j, "exec-c", 300, state::RunStatus::Cancelled);
  Db& db = j->db();
  for (const char* t : {"runs", "steps", "events", "fan_outs", "history"}) {
    ASSERT_GT(rows_of(db, t, "exec-a"), 0) << t;
  }
  const int64_t history_before = count(db, "SELECT count(*) FROM history");

  auto r = delete_finished_trees(db, {"exec-a", "exec-c"});
  ASSERT_OK(r);
  EXPECT_EQ(r->roots, (std::vector<std::string>{"exec-a", "exec-c"}));
  EXPECT_EQ(r->runs, 4);
  for (const char* t : {"runs", "steps", "events", "fan_outs", "history"}) {
    EXPECT_EQ(rows_of(db, t, "exec-a"), 0) << t;
    EXPECT_EQ(rows_of(db, t, "exec-c"), 0) << t;
    EXPECT_GT(rows_of(db, t, "exec-b"), 0) << t;
  }
  EXPECT_EQ(count(db, "SELECT count(*) FROM history"), history_before / 3);
  auto b = load_tree(db, "exec-b");
  ASSERT_OK(b);
  ASSERT_EQ(b->root.children.size(), 1u);
  EXPECT_FALSE(load_tree(db, "exec-a").ok());
  EXPECT_EQ(count(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

TEST(Gc, SkipsRunningPendingChildAndUnknownIds) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  build_tree(*j, "exec-live", 100, state::RunStatus::Running);
  state::RunNode pending = root_run("exec-pending", 0);
  pending.status = state::RunStatus::Pending;
  pending.start_time.reset();
  ASSERT_OK(j->run_created(pending));
  build_tree(*j, "exec-done", 200, state::RunStatus::TimedOut);

  auto r = delete_finished_trees(j->db(), {"exec-live", "exec-pending", "exec-done-child", "exec-nope"});
  ASSERT_OK(r);
  EXPECT_TRUE(r->roots.empty());
  EXPECT_EQ(r->runs, 0);
  EXPECT_EQ(count(j->db(), "SELECT count(*) FROM runs"), 5);

  // A finished tree that is resumed (running again) before the delete is kept.
  ASSERT_OK(j->run_started("exec-done", at(400)));
  r = delete_finished_trees(j->db(), {"exec-done"});
  ASSERT_OK(r);
  EXPECT_TRUE(r->roots.empty());
  EXPECT_TRUE(load_tree(j->db(), "exec-done").ok());
}

TEST(Gc, AFailedStatementDeletesNothing) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  build_tree(*j, "exec-a", 100, state::RunStatus::Completed);
  build_tree(*j, "exec-b", 200, state::RunStatus::Completed);
  // A real trigger aborts the deletion of exec-b's runs, after exec-a's tree is already deleted
  // inside the same transaction.
  ASSERT_OK(j->db().exec(
      "CREATE TRIGGER block BEFORE DELETE ON runs WHEN old.run_id = 'exec-b' "
      "BEGIN SELECT RAISE(ABORT, 'blocked'); END"));
  const int64_t history_before = count(j->db(), "SELECT count(*) FROM history");
  auto r = delete_finished_trees(j->db(), {"exec-a", "exec-b"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("blocked"), std::string::npos) << r.error().message;
  EXPECT_EQ(count(j->db(), "SELECT count(*) FROM runs"), 4);
  EXPECT_EQ(count(j->db(), "SELECT count(*) FROM history"), history_before);
  EXPECT_TRUE(load_tree(j->db(), "exec-a").ok());
}

TEST(Gc, RootRunIdOfAChild) {
  Fixture f;
  auto j = f.open();
  ASSERT_TRUE(j);
  build_tree(*j, "exec-a", 100, state::RunStatus::Completed);
  auto root = root_run_id_of(j->db(), "exec-a-child");
  ASSERT_OK(root);
  EXPECT_EQ(*root, std::optional<std::string>("exec-a"));
  root = root_run_id_of(j->db(), "exec-a");
  ASSERT_OK(root);
  EXPECT_EQ(*root, std::optional<std::string>("exec-a"));
  root = root_run_id_of(j->db(), "exec-x");
  ASSERT_OK(root);
  EXPECT_FALSE(*root);
}

}  // namespace
}  // namespace tako::store
