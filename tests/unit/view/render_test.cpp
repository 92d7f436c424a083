// The live view's renderer: a pure function of snapshot, width, time and colour.
#include "tako/view/render.h"

#include <gtest/gtest.h>

#include "tako/view/run_progress.h"

namespace tako::view {
namespace {

using namespace std::chrono;

state::Timestamp at(int64_t s) { return state::Timestamp(seconds(1752580800 + s)); }

Snapshot sample() {
  Snapshot s;
  RunView& root = s.root;
  root.run_id = "exec-20250715-120000-a7b3c1d2";
  root.repository = "my-org/go-lib";
  root.workflow = "release";
  root.status = state::RunStatus::Running;
  root.start_time = at(0);
  StepView build{"build", state::StepStatus::Completed, at(0), at(12), "", ""};
  StepView fan{"fan_out", state::StepStatus::Running, at(12), std::nullopt, "", ""};
  root.steps = {build, fan};
  RunView one;
  one.run_id = "exec-1";
  one.repository = "my-org/app-one";
  one.status = state::RunStatus::Running;
  one.start_time = at(100);
  one.steps = {StepView{"run_tests", state::StepStatus::Running, at(100), std::nullopt, "ok  pkg/foo 0.2s", ""}};
  RunView two;
  two.repository = "my-org/app-two";
  two.status = state::RunStatus::Pending;
  two.waiting_for = "concurrency slot";
  RunView three;
  three.repository = "my-org/app-three";
  three.status = state::RunStatus::Pending;
  three.waiting_for = "lock on my-org/app-one";
  RunView failed;
  failed.repository = "my-org/app-four";
  failed.status = state::RunStatus::Failed;
  failed.start_time = at(20);
  failed.end_time = at(25);
  failed.error = "step 'test' failed: exit status 1\nmore";
  failed.steps = {StepView{"test", state::StepStatus::Failed, at(20), at(25), "", ""}};
  root.children = {one, two, three, failed};
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(ViewRender, TreeOfRunsStepsWaitsAndLastLines) {
  RenderOptions o;
  o.width = 0;
  o.now = at(250);
  EXPECT_EQ(joined(render(sample(), o)),
            "exec-20250715-120000-a7b3c1d2 (release) [RUNNING] 4m10s  runs: 1/5 done, 2 running, 2 queued, 1 failed\n"
            "└── my-org/go-lib [RUNNING] 4m10s\n"
            "    ├── ✓ build (12s)\n"
            "    ├── ● fan_out 3m58s\n"
            "    ├── my-org/app-one [RUNNING] 2m30s\n"
            "    │   └── ● run_tests 2m30s │ ok  pkg/foo 0.2s\n"
            "    ├── my-org/app-two [PENDING] - waiting for: concurrency slot\n"
            "    ├── my-org/app-three [PENDING] - waiting for: lock on my-org/app-one\n"
            "    └── my-org/app-four [FAILED] (5s) - step 'test' failed: exit status 1\n");
}

TEST(ViewRender, PendingWithoutReasonWaitsForItsParentUnlessItRuns) {
  Snapshot s = sample();
  s.root.children.resize(2);
  s.root.children[1].waiting_for.reset();
  RenderOptions o;
  o.width = 0;
  o.now = at(250);
  EXPECT_NE(joined(render(s, o)).find("app-two [PENDING] - waiting for: concurrency slot"), std::string::npos);
  s.root.status = state::RunStatus::Pending;
  s.root.start_time.reset();
  EXPECT_NE(joined(render(s, o)).find("app-two [PENDING] - waiting for: parent"), std::string::npos);
}

TEST(ViewRender, LinesAreCutToTheWidthByCodePoints) {
  RenderOptions o;
  o.width = 30;
  o.now = at(250);
  for (const std::string& line : render(sample(), o)) {
    size_t cps = 0;
    for (unsigned char c : line) cps += (c & 0xC0) != 0x80;
    EXPECT_LE(cps, 30u) << line;
  }
  auto lines = render(sample(), o);
  EXPECT_EQ(lines[5], "    │   └── ● run_tests 2m30s…");
  EXPECT_EQ(truncate_to_width("abcdef", 4), "abc…");
  EXPECT_EQ(truncate_to_width("abcd", 4), "abcd");
  EXPECT_EQ(truncate_to_width("ääää", 3), "ää…");
}

TEST(ViewRender, MaxLinesSaysHowManyWereLeftOut) {
  RenderOptions o;
  o.width = 0;
  o.max_lines = 4;
  o.now = at(250);
  auto lines = render(sample(), o);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[3], "… 6 more lines");
}

TEST(ViewRender, ColourOnlyWhenAsked) {
  RenderOptions o;
  o.width = 0;
  o.now = at(250);
  std::string plain = joined(render(sample(), o));
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  o.color = true;
  std::string coloured = joined(render(sample(), o));
  EXPECT_NE(coloured.find("\x1b[33m[RUNNING]\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[31m[FAILED]\x1b[0m"), std::string::npos);
  EXPECT_NE(coloured.find("\x1b[32m✓ \x1b[0m"), std::string::npos);
  // The text is the same once the SGR sequences are removed.
  std::string stripped;
  for (size_t i = 0; i < coloured.size(); ++i) {
    if (coloured[i] == '\x1b') {
      i = coloured.find('m', i);
      continue;
    }
    stripped += coloured[i];
  }
  EXPECT_EQ(stripped, plain);
}

TEST(ViewRender, FinishedRunsAreOneLineAndInterruptedSaysSo) {
  Snapshot s = sample();
  s.root.status = state::RunStatus::Completed;
  s.root.end_time = at(300);
  s.root.children.clear();
  RenderOptions o;
  o.width = 0;
  o.now = at(400);
  EXPECT_EQ(joined(render(s, o)),
            "exec-20250715-120000-a7b3c1d2 (release) [COMPLETED]\n└── my-org/go-lib [COMPLETED] (5m0s)\n");
  s.root.status = state::RunStatus::Running;
  s.root.interrupted = true;
  EXPECT_EQ(joined(render(s, o)),
            "exec-20250715-120000-a7b3c1d2 (release) [INTERRUPTED]\n└── my-org/go-lib [INTERRUPTED]\n");
}

TEST(ViewRender, ElapsedAndDurationFormats) {
  EXPECT_EQ(format_elapsed(milliseconds(999)), "0s");
  EXPECT_EQ(format_elapsed(seconds(59)), "59s");
  EXPECT_EQ(format_elapsed(seconds(60)), "1m0s");
  EXPECT_EQ(format_elapsed(seconds(3605)), "1h0m5s");
  EXPECT_EQ(format_elapsed(-seconds(3)), "0s");
  EXPECT_EQ(format_duration(microseconds(30500)), "31ms");
  EXPECT_EQ(format_duration(milliseconds(1500)), "2s");
  EXPECT_EQ(format_duration(seconds(150)), "2m30s");
}

TEST(ViewRunProgress, CountsAndColour) {
  RunProgress p{10, 3, 2, 1};
  EXPECT_EQ(render_run_progress(p, 80, false), "[3/10] 2 running, 1 failed");
  EXPECT_EQ(render_run_progress(p, 80, true), "[3/10] 2 running\x1b[31m, 1 failed\x1b[0m");
  EXPECT_EQ(render_run_progress(RunProgress{4, 0, 2, 0}, 80, true), "[0/4] 2 running");
  EXPECT_EQ(render_run_progress(p, 10, true), "[3/10] 2 …");
}

TEST(ViewResolveProgress, CurrentRepositoryCountsAndColour) {
  EXPECT_EQ(render_resolve_progress(ResolveLine{5, 2, 0, "o/lib"}, 80, false), "[2/5] resolving repositories: o/lib");
  EXPECT_EQ(render_resolve_progress(ResolveLine{5, 3, 1, ""}, 80, false), "[3/5] resolving repositories, 1 failed");
  EXPECT_EQ(render_resolve_progress(ResolveLine{5, 3, 1, "o/x"}, 80, true),
            "[3/5] resolving repositories: o/x\x1b[31m, 1 failed\x1b[0m");
  EXPECT_EQ(render_resolve_progress(ResolveLine{5, 2, 0, "o/lib"}, 12, true), "[2/5] resol…");
}

}  // namespace
}  // namespace tako::view
