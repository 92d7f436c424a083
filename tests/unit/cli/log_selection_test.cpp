// select_logs / filter_error: the steps `tako logs` prints, their order, prefixes and paths.
#include "tako/cli/log_selection.h"

#include <chrono>

#include <gtest/gtest.h>

namespace tako::cli {
namespace {

state::Timestamp at(int s) { return state::Timestamp(std::chrono::seconds(1752580800 + s)); }

state::StepNode step(const std::string& id, std::optional<int> start, state::StepStatus st) {
  state::StepNode s;
  s.id = id;
  s.status = st;
  if (start) s.start_time = at(*start);
  s.log = "logs/" + id + ".log";
  return s;
}

// o/lib: build (t=0), fan (t=1, running) -> o/app (build t=2 running, test pending) and o/cli (build t=2).
state::StateDocument tree() {
  state::StateDocument d;
  d.root.run_id = "exec-r";
  d.root.repository = "o/lib";
  d.root.workspace = "/h/workspaces/exec-r";
  d.root.steps.push_back(step("build", 0, state::StepStatus::Completed));
  d.root.steps.push_back(step("fan", 1, state::StepStatus::Running));
  state::RunNode app;
  app.run_id = "exec-a";
  app.repository = "o/App";
  app.workspace = "/h/workspaces/exec-r/children/exec-a";
  app.steps.push_back(step("build", 2, state::StepStatus::Running));
  app.steps.push_back(step("test", std::nullopt, state::StepStatus::Pending));
  state::RunNode cli;
  cli.run_id = "exec-c";
  cli.repository = "o/cli";
  cli.workspace = "/h/workspaces/exec-r/children/exec-c";
  cli.steps.push_back(step("build", 2, state::StepStatus::Failed));
  // Starts before its sibling's step in tree order: start time decides.
  cli.steps.front().start_time = at(2) - std::chrono::milliseconds(1);
  d.root.children.push_back(app);
  d.root.children.push_back(cli);
  return d;
}

std::vector<std::string> labels(const std::vector<LogEntry>& v) {
  std::vector<std::string> out;
  for (const auto& e : v) out.push_back(e.label + " @ " + e.rel_path + (e.finished ? " done" : ""));
  return out;
}

TEST(LogSelection, EveryStartedStepInStartOrderWithPathsRelativeToTheRoot) {
  EXPECT_EQ(labels(select_logs(tree(), {})),
            (std::vector<std::string>{"o/lib build @ logs/build.log done", "o/lib fan @ logs/fan.log",
                                      "o/cli build @ children/exec-c/logs/build.log done",
                                      "o/App build @ children/exec-a/logs/build.log"}));
}

TEST(LogSelection, FiltersByRepositoryCaseInsensitivelyAndStep) {
  EXPECT_EQ(labels(select_logs(tree(), parse_log_filter("o/app"))),
            (std::vector<std::string>{"o/App build @ children/exec-a/logs/build.log"}));
  EXPECT_EQ(labels(select_logs(tree(), parse_log_filter("o/lib:fan"))),
            (std::vector<std::string>{"o/lib fan @ logs/fan.log"}));
  EXPECT_TRUE(select_logs(tree(), parse_log_filter("o/app:test")).empty());  // not started
}

TEST(LogSelection, ParseAndErrors) {
  LogFilter f = parse_log_filter("o/x:a:b");
  EXPECT_EQ(f.repository, "o/x");
  EXPECT_EQ(f.step, "a:b");
  EXPECT_FALSE(parse_log_filter("o/x").step);
  EXPECT_EQ(filter_error(tree(), {}), std::nullopt);
  EXPECT_EQ(filter_error(tree(), parse_log_filter("o/APP:test")), std::nullopt);
  EXPECT_EQ(filter_error(tree(), parse_log_filter("o/nope")), "repository 'o/nope' is not in run exec-r");
  EXPECT_EQ(filter_error(tree(), parse_log_filter("o/cli:test")), "step 'test' of o/cli is not in run exec-r");
}

}  // namespace
}  // namespace tako::cli
