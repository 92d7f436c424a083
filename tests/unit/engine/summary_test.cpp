#include "tako/engine/summary.h"

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using namespace tako;
using engine::render_failure_logs;
using engine::render_summary;
using engine::SummaryStyle;

namespace {

state::Timestamp at(int64_t ms) { return state::Timestamp(std::chrono::milliseconds(1700000000000 + ms)); }

state::StepNode step(const std::string& id, state::StepStatus st, int64_t start_ms, int64_t end_ms) {
  state::StepNode s;
  s.id = id;
  s.status = st;
  s.start_time = at(start_ms);
  s.end_time = at(end_ms);
  s.duration_ms = end_ms - start_ms;
  s.log = "logs/" + id + ".log";
  return s;
}

state::RunNode run_with(std::initializer_list<state::StepNode> steps) {
  state::RunNode r;
  r.run_id = "exec-20250715-120000-1a2b3c4d";
  r.repository = "my-org/greeter";
  r.workflow = "greet";
  for (const auto& s : steps) r.steps.push_back(s);
  return r;
}

}  // namespace

TEST(Summary, AppendixAFailure) {
  auto cleanup = step("cleanup", state::StepStatus::Completed, 30, 36);
  cleanup.on_failure_of = "publish";
  auto skipped = step("shout", state::StepStatus::Skipped, 10, 10);
  auto r = run_with({step("compose", state::StepStatus::Completed, 0, 8), skipped,
                     step("publish", state::StepStatus::Failed, 11, 22), cleanup});
  EXPECT_EQ(render_summary(r, false, "30.5ms", SummaryStyle{}),
            "Execution completed: exec-20250715-120000-1a2b3c4d\n"
            "Success: false\n"
            "Duration: 30.5ms\n"
            "\n"
            "Steps executed: 4\n"
            "  \u2713 compose (8ms)\n"
            "  - shout (skipped)\n"
            "  \u2717 publish (11ms)\n"
            "  \u2713 cleanup [on_failure] (6ms)\n");
}

TEST(Summary, CachedPendingFailedOnFailureAndColor) {
  auto cached = step("build", state::StepStatus::Completed, 0, 0);
  cached.cached = true;
  auto pending = step("later", state::StepStatus::Pending, 0, 0);
  auto bad_handler = step("h", state::StepStatus::Failed, 1, 2);
  bad_handler.on_failure_of = "build";
  auto r = run_with({cached, bad_handler, pending});
  EXPECT_EQ(render_summary(r, true, "1s", SummaryStyle{}),
            "Execution completed: exec-20250715-120000-1a2b3c4d\nSuccess: true\nDuration: 1s\n\n"
            "Steps executed: 2\n  \u2713 build (cached)\n  \u2717 h [on_failure] (1ms)\n");
  SummaryStyle color;
  color.color = true;
  std::string c = render_summary(r, true, "1s", color);
  EXPECT_NE(c.find("\x1b[32m\u2713\x1b[0m build (cached)"), std::string::npos) << c;
  EXPECT_NE(c.find("\x1b[31m\u2717\x1b[0m h [on_failure]"), std::string::npos) << c;
}

TEST(Summary, DryRunShowsZeroDurations) {
  auto r = run_with({step("a", state::StepStatus::Pending, 0, 0), step("b", state::StepStatus::Completed, 0, 5)});
  SummaryStyle st;
  st.dry_run = true;
  EXPECT_EQ(render_summary(r, true, "0s", st),
            "Execution completed: exec-20250715-120000-1a2b3c4d\nSuccess: true\nDuration: 0s\n\n"
            "Steps executed: 2\n  \u2713 a (0s)\n  \u2713 b (0s)\n");
}

TEST(Summary, FanOutChildrenAsTree) {
  auto fan = step("fan", state::StepStatus::Completed, 0, 100);
  fan.fan_out = state::FanOutRecord{};
  fan.fan_out->children = {"c1", "c2", "c3"};
  auto r = run_with({fan});
  state::RunNode c1;
  c1.run_id = "c1";
  c1.repository = "o/one";
  c1.workflow = "build";
  c1.status = state::RunStatus::Completed;
  c1.start_time = at(0);
  c1.end_time = at(50);
  c1.steps.push_back(step("s1", state::StepStatus::Completed, 0, 20));
  c1.steps.push_back(step("s2", state::StepStatus::Failed, 20, 30));
  state::RunNode c2 = c1;
  c2.run_id = "c2";
  c2.repository = "o/two";
  c2.status = state::RunStatus::TimedOut;
  c2.steps.clear();
  state::RunNode c3;
  c3.run_id = "c3";
  c3.repository = "o/three";
  c3.workflow = "build";
  r.children = {c1, c2, c3};
  EXPECT_EQ(render_summary(r, false, "1s", SummaryStyle{}),
            "Execution completed: exec-20250715-120000-1a2b3c4d\nSuccess: false\nDuration: 1s\n\n"
            "Steps executed: 1\n"
            "  \u2713 fan (100ms)\n"
            "    \u251c\u2500\u2500 \u2713 o/one:build (50ms)\n"
            "    \u2502   \u251c\u2500\u2500 \u2713 s1 (20ms)\n"
            "    \u2502   \u2514\u2500\u2500 \u2717 s2 (10ms)\n"
            "    \u251c\u2500\u2500 \u2717 o/two:build (50ms, timed out)\n"
            "    \u2514\u2500\u2500 - o/three:build (not run)\n");
}

TEST(Summary, FailureLogsLastTwentyLines) {
  util::TempDir dir("tako-summary");
  ASSERT_TRUE(util::make_dirs(dir.path() + "/logs").ok());
  std::string text;
  for (int i = 1; i <= 25; ++i) text += "line " + std::to_string(i) + "\n";
  ASSERT_TRUE(util::write_file_atomic(dir.path() + "/logs/bad.log", text).ok());
  ASSERT_TRUE(util::write_file_atomic(dir.path() + "/logs/short.log", "only\n").ok());
  ASSERT_TRUE(util::write_file_atomic(dir.path() + "/logs/empty.log", "").ok());
  auto r = run_with({step("ok", state::StepStatus::Completed, 0, 1), step("bad", state::StepStatus::Failed, 1, 2),
                     step("empty", state::StepStatus::Failed, 2, 3), step("short", state::StepStatus::Failed, 3, 4)});
  r.workspace = dir.path();
  std::string expected = "--- last 20 lines of step 'bad' (my-org/greeter) ---\n";
  for (int i = 6; i <= 25; ++i) expected += "line " + std::to_string(i) + "\n";
  expected += "---\n--- last 1 lines of step 'short' (my-org/greeter) ---\nonly\n---\n";
  EXPECT_EQ(render_failure_logs(r), expected);
}
