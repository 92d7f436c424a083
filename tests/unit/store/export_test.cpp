// The run document exported from the tables equals the document the engine held in
// memory for the same tree (state::to_json).
#include "tako/store/export.h"

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/query.h"

namespace tako::store {
namespace {

using nlohmann::json;

// The expected document, built by hand as the engine builds it in memory today.
state::StateDocument expected_tree() {
  state::StateDocument d;
  d.tako_version = "0.1.0";
  d.pid = 4242;
  d.hostname = "host-a";
  d.updated_at = at(900);
  d.root = root_run("exec-20250715-120000-aaaaaaaa", 0);
  state::RunNode& r = d.root;
  r.status = state::RunStatus::Failed;
  r.end_time = at(800);
  r.duration_ms = 0;
  r.error = "step 'fan' failed: 1 child run failed";
  r.current_step = "notify";

  state::StepNode build = running_step("build", 10);
  build.status = state::StepStatus::Completed;
  build.end_time = at(20);
  build.duration_ms = 0;
  build.exit_code = 0;
  build.outputs = {{"artifact", "lib-1.2.3.tgz"}, {"sha", "abc"}};
  build.cached = true;
  build.events = {sample_event("evt-emitted")};
  r.steps.push_back(build);

  state::StepNode fan = running_step("fan", 30);
  fan.kind = state::StepKind::Uses;
  fan.uses = "tako/fan-out@v1";
  fan.status = state::StepStatus::Failed;
  fan.end_time = at(700);
  fan.duration_ms = 0;
  fan.error = "1 child run failed";
  state::FanOutRecord rec;
  rec.fan_out_id = "fanout-0123456789abcdef";
  rec.event = sample_event("evt-fan");
  rec.wait_for_children = true;
  rec.timeout = "30m";
  rec.children = {"exec-20250715-120000-bbbbbbbb", "exec-20250715-120000-cccccccc"};
  rec.evaluation_errors = {"my-org/bad:deploy: input 'v' not provided"};
  fan.fan_out = rec;
  r.steps.push_back(fan);

  state::StepNode notify = running_step("notify", 710);
  notify.kind = state::StepKind::Container;
  notify.on_failure_of = "fan";
  notify.status = state::StepStatus::Failed;
  notify.end_time = at(720);
  notify.duration_ms = 0;
  notify.exit_code = 3;
  notify.error = "container exited with code 3";
  notify.long_running = true;
  r.steps.push_back(notify);

  for (int i = 0; i < 2; ++i) {
    state::RunNode c;
    c.run_id = rec.children[static_cast<size_t>(i)];
    c.parent_run_id = r.run_id;
    c.parent_step = "fan";
    c.key = "fp:my-org/app-" + std::to_string(i) + ":build";
    c.repository = "my-org/app-" + std::to_string(i);
    c.path = "/src/app-" + std::to_string(i);
    c.workflow = "build";
    c.depth = 1;
    c.isolation = i == 0 ? state::Isolation::Worktree : state::Isolation::Shared;
    c.workspace = r.workspace + "/children/" + c.run_id;
    if (i == 0) c.worktree = c.workspace + "/worktree";
    c.inputs = {{"version", "1.2.3"}, {"list", {1, 2.5, "x"}}};
    c.event = rec.event;
    c.start_time = at(100 + i);
    c.end_time = at(600 + i);
    c.duration_ms = 0;
    state::StepNode t = running_step("test", 200 + i);
    t.end_time = at(300 + i);
    t.duration_ms = 0;
    if (i == 0) {
      c.status = state::RunStatus::Completed;
      t.status = state::StepStatus::Completed;
      t.exit_code = 0;
    } else {
      c.status = state::RunStatus::Failed;
      c.error = "step 'test' failed: exit status 1";
      c.current_step = "test";
      t.status = state::StepStatus::Failed;
      t.exit_code = 1;
      t.error = "exit status 1";
    }
    c.steps.push_back(t);
    r.children.push_back(c);
  }
  return d;
}

// The same tree recorded through the journal's verbs, in the engine's order.
void record(Fixture& f, Journal& j, const state::StateDocument& d) {
  const state::RunNode& r = d.root;
  state::RunNode start = r;
  start.status = state::RunStatus::Pending;
  start.start_time.reset();
  start.end_time.reset();
  start.duration_ms.reset();
  start.error.reset();
  start.current_step.reset();
  ASSERT_OK(j.run_created(start));
  ASSERT_OK(j.run_started(r.run_id, *r.start_time));
  auto finish = [&](const std::string& run_id, const state::StepNode& s) {
    StepEnd e;
    e.status = s.status;
    e.end_time = *s.end_time;
    e.duration_ms = s.duration_ms;
    e.exit_code = s.exit_code;
    e.error = s.error;
    e.outputs = s.outputs;
    e.cached = s.cached;
    e.events = s.events;
    return j.step_finished(run_id, s.id, e);
  };
  auto started = [](state::StepNode s) {
    s.status = state::StepStatus::Running;
    s.end_time.reset();
    s.duration_ms.reset();
    s.exit_code.reset();
    s.error.reset();
    s.outputs.clear();
    s.cached = false;
    s.events.clear();
    s.fan_out.reset();
    return s;
  };
  const state::StepNode& build = r.steps.front();
  ASSERT_OK(j.step_started(r.run_id, started(build), 1234));
  ASSERT_OK(finish(r.run_id, build));
  const state::StepNode& fan = *std::next(r.steps.begin());
  ASSERT_OK(j.step_started(r.run_id, started(fan)));
  ASSERT_OK(j.fan_out_recorded(r.run_id, fan.id, *fan.fan_out));
  for (const state::RunNode& c : r.children) {
    state::RunNode pending = c;
    pending.status = state::RunStatus::Pending;
    pending.start_time.reset();
    pending.end_time.reset();
    pending.duration_ms.reset();
    pending.error.reset();
    pending.current_step.reset();
    pending.worktree.reset();
    pending.steps.clear();
    ASSERT_OK(j.child_created(pending));
    ASSERT_OK(j.run_waiting(c.run_id, "concurrency slot"));
  }
  ASSERT_OK(j.fan_out_errors(r.run_id, fan.id, fan.fan_out->evaluation_errors));
  for (const state::RunNode& c : r.children) {
    ASSERT_OK(j.run_started(c.run_id, *c.start_time));
    if (c.worktree) ASSERT_OK(j.worktree_set(c.run_id, *c.worktree));
    ASSERT_OK(j.step_started(c.run_id, started(c.steps.front())));
    ASSERT_OK(finish(c.run_id, c.steps.front()));
    ASSERT_OK(j.run_finished(c.run_id, c.status, *c.end_time, c.duration_ms, c.error));
  }
  ASSERT_OK(finish(r.run_id, fan));
  const state::StepNode& notify = r.steps.back();
  ASSERT_OK(j.step_started(r.run_id, started(notify)));
  ASSERT_OK(finish(r.run_id, notify));
  f.wall_ns = 900;  // the last change stamps updated_at
  ASSERT_OK(j.run_finished(r.run_id, r.status, *r.end_time, r.duration_ms, r.error));
}

TEST(Export, EqualsTheFormerStateFileWithoutChecksum) {
  Fixture f;
  auto j = f.open();
  const state::StateDocument expected = expected_tree();
  record(f, *j, expected);
  auto got = export_run_document(j->db(), expected.root.run_id);
  ASSERT_OK(got);
  json former = state::to_json(expected);
  EXPECT_EQ(*got, former) << "got:\n" << got->dump(2) << "\nexpected:\n" << former.dump(2);
  // And the tree itself round-trips.
  auto tree = load_tree(j->db(), expected.root.run_id);
  ASSERT_OK(tree);
  EXPECT_EQ(*tree, expected);
}

TEST(Export, TextIsIndentedSortedWithFinalNewline) {
  Fixture f;
  auto j = f.open();
  ASSERT_OK(j->run_created(root_run("exec-r", 0)));
  auto text = export_run_document_text(j->db(), "exec-r");
  ASSERT_OK(text);
  EXPECT_EQ(text->rfind("{\n  \"format_version\": 1,\n  \"hostname\": \"host-a\",\n", 0), 0u) << *text;
  EXPECT_EQ(text->back(), '\n');
  EXPECT_EQ(json::parse(*text)["root"]["cli_inputs"], (json{{"version", "1.2.3"}}));
}

TEST(Export, UnknownOrChildIdIsNotFound) {
  Fixture f;
  auto j = f.open();
  const state::StateDocument expected = expected_tree();
  record(f, *j, expected);
  for (const std::string& id : {std::string("exec-missing"), expected.root.children.front().run_id}) {
    auto got = export_run_document_text(j->db(), id);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().message, "run '" + id + "' not found");
  }
}

}  // namespace
}  // namespace tako::store
