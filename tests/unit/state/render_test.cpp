#include "tako/state/render.h"

#include <gtest/gtest.h>

#include "sample.h"

using namespace tako::state;
using namespace tako::state::testing;

namespace {
RenderOptions opts(bool alive = true, const char* now_text = "2025-07-15T12:10:00Z") {
  RenderOptions o;
  o.now = at(now_text);
  o.owner_alive = alive;
  return o;
}
}  // namespace

TEST(StateRender, AppendixATree) {
  StateDocument d;
  d.root = run("exec-20250715-120105-9f8e7d6c", "my-org/greeter", "greet", RunStatus::Failed);
  d.root.start_time = at("2025-07-15T12:01:05Z");
  d.root.end_time = at("2025-07-15T12:01:05.0305Z");
  d.root.duration_ms = 30;
  d.root.error = "step 'publish' failed: exit status 1";
  EXPECT_EQ(render_tree(d, opts()),
            "exec-20250715-120105-9f8e7d6c (greet) [FAILED]\n"
            "└── my-org/greeter [FAILED] (31ms) - step 'publish' failed: exit status 1\n");
}

TEST(StateRender, AppendixBTree) {
  EXPECT_EQ(render_tree(appendix_b(), opts()),
            "exec-20250715-120000-1a2b3c4d (release) [COMPLETED]\n"
            "└── my-org/go-lib [COMPLETED] (52ms)\n"
            "    └── my-org/app-one [COMPLETED] (24ms)\n"
            "        └── my-org/app-two [COMPLETED] (9ms)\n");
}

TEST(StateRender, RunningTreeOfSpec116) {
  StateDocument d;
  d.root = run("exec-20240726-143022-a7b3c1d2", "my-org/go-lib", "release", RunStatus::Running);
  d.root.current_step = "fan_out_to_dependents";
  d.root.steps = {step("build", StepStatus::Completed, "2024-07-26T14:30:22Z", "2024-07-26T14:30:23Z"),
                  step("fan_out_to_dependents", StepStatus::Running, "2024-07-26T14:30:30Z")};
  RunNode one = run("exec-20240726-143031-00000001", "my-org/app-one", "test", RunStatus::Running);
  one.current_step = "run_tests";
  one.steps = {step("run_tests", StepStatus::Running, "2024-07-26T14:32:10.4Z")};
  RunNode two = run("exec-20240726-143031-00000002", "my-org/app-two", "deploy", RunStatus::Pending);
  two.waiting_for = "concurrency slot";
  d.root.children = {one, two};
  EXPECT_EQ(render_tree(d, opts(true, "2024-07-26T14:34:40Z")),
            "exec-20240726-143022-a7b3c1d2 (release) [RUNNING]\n"
            "└── my-org/go-lib [RUNNING] - step: fan_out_to_dependents (4m10s)\n"
            "    ├── my-org/app-one [RUNNING] - step: run_tests (2m30s)\n"
            "    └── my-org/app-two [PENDING] - waiting for: concurrency slot\n");
  // Owner gone: running runs become INTERRUPTED (tree status too); pending stays pending.
  EXPECT_EQ(render_tree(d, opts(false, "2024-07-26T14:34:40Z")),
            "exec-20240726-143022-a7b3c1d2 (release) [INTERRUPTED]\n"
            "└── my-org/go-lib [INTERRUPTED] - step: fan_out_to_dependents\n"
            "    ├── my-org/app-one [INTERRUPTED] - step: run_tests\n"
            "    └── my-org/app-two [PENDING] - waiting for: concurrency slot\n");
}

TEST(StateRender, TreeDrawingRules) {
  StateDocument d;
  d.root = run("exec-20240726-143022-a7b3c1d2", "o/a", "w", RunStatus::Completed);
  d.root.duration_ms = 1000;
  RunNode b = run("exec-20240726-143022-0000000b", "o/b", "w", RunStatus::TimedOut);
  b.duration_ms = 61;
  RunNode c = run("exec-20240726-143022-0000000c", "o/c", "w", RunStatus::Cancelled);
  RunNode e = run("exec-20240726-143022-0000000e", "o/e", "w", RunStatus::Pending);
  RunNode f = run("exec-20240726-143022-0000000f", "o/f", "w", RunStatus::Pending);
  f.waiting_for = "lock on o/a";
  c.children = {e};
  b.children = {c};
  RunNode dd = run("exec-20240726-143022-0000000d", "o/d", "w", RunStatus::Completed);
  dd.duration_ms = 150000;
  dd.children = {f};
  d.root.children = {b, dd};
  EXPECT_EQ(render_tree(d, opts()),
            "exec-20240726-143022-a7b3c1d2 (w) [COMPLETED]\n"
            "└── o/a [COMPLETED] (1s)\n"
            "    ├── o/b [TIMED_OUT] (61ms) - timed out\n"
            "    │   └── o/c [CANCELLED] - cancelled\n"
            "    │       └── o/e [PENDING] - waiting for: parent\n"
            "    └── o/d [COMPLETED] (2m30s)\n"
            "        └── o/f [PENDING] - waiting for: lock on o/a\n");
}

TEST(StateRender, ErrorSummary) {
  EXPECT_EQ(error_summary("one\ntwo"), "one");
  EXPECT_EQ(error_summary("crlf\r\nnext"), "crlf");
  std::string exactly200(200, 'a');
  EXPECT_EQ(error_summary(exactly200), exactly200);
  std::string long_one(250, 'b');
  EXPECT_EQ(error_summary(long_one), std::string(199, 'b') + "…");
  // Characters, not bytes.
  std::string wide;
  for (int i = 0; i < 201; ++i) wide += "é";
  std::string expect;
  for (int i = 0; i < 199; ++i) expect += "é";
  EXPECT_EQ(error_summary(wide), expect + "…");
}

TEST(StateRender, Colour) {
  StateDocument d = appendix_b();
  RenderOptions o = opts();
  o.color = true;
  std::string out = render_tree(d, o);
  EXPECT_NE(out.find("\x1b[32m[COMPLETED]\x1b[0m"), std::string::npos);
}

TEST(StateRender, Table) {
  StateDocument a = appendix_b();
  StateDocument b;
  b.root = run("exec-20250716-090000-00000001", "my-org/greeter", "greet", RunStatus::Running);
  b.root.start_time = at("2025-07-16T09:00:00.5Z");
  std::vector<ListRow> rows = {list_row(a, true), list_row(b, false)};
  sort_rows(rows);
  EXPECT_EQ(render_table(rows),
            "RUN ID                         WORKFLOW  REPOSITORY      STATUS       STARTED               DURATION\n"
            "exec-20250716-090000-00000001  greet     my-org/greeter  interrupted  2025-07-16T09:00:00Z\n"
            "exec-20250715-120000-1a2b3c4d  release   my-org/go-lib   completed    2025-07-15T12:00:00Z  52ms\n");
  EXPECT_EQ(render_table({}), "No runs found.\n");
  auto j = rows_json(rows);
  EXPECT_EQ(j.dump(), R"([{"duration_ms":null,"end_time":null,"repository":"my-org/greeter","run_id":"exec-20250716-090000-00000001","start_time":"2025-07-16T09:00:00.5Z","status":"interrupted","workflow":"greet"},)"
                      R"({"duration_ms":52,"end_time":"2025-07-15T12:00:00.0523Z","repository":"my-org/go-lib","run_id":"exec-20250715-120000-1a2b3c4d","start_time":"2025-07-15T12:00:00Z","status":"completed","workflow":"release"}])");
}

TEST(StateRender, SortOrder) {
  std::vector<ListRow> rows(4);
  rows[0].run_id = "a";
  rows[1].run_id = "b";
  rows[1].start_time = at("2025-01-01T00:00:00Z");
  rows[2].run_id = "c";
  rows[2].start_time = at("2025-01-02T00:00:00Z");
  rows[3].run_id = "d";
  rows[3].start_time = at("2025-01-01T00:00:00Z");
  sort_rows(rows);
  EXPECT_EQ(rows[0].run_id, "c");
  EXPECT_EQ(rows[1].run_id, "d");
  EXPECT_EQ(rows[2].run_id, "b");
  EXPECT_EQ(rows[3].run_id, "a");
}

TEST(StateRender, HostileTimesDoNotOverflow) {
  StateDocument d;
  d.root = run("exec-20240726-143022-a7b3c1d2", "o/a", "w", RunStatus::Running);
  d.root.current_step = "s";
  d.root.steps = {step("s", StepStatus::Running, "1678-01-01T00:00:00Z")};
  std::string out = render_tree(d, opts(true, "2262-01-01T00:00:00Z"));
  EXPECT_NE(out.find("- step: s ("), std::string::npos);
  d.root.status = RunStatus::Completed;
  d.root.duration_ms = std::numeric_limits<int64_t>::max();
  out = render_tree(d, opts());
  EXPECT_NE(out.find("[COMPLETED]"), std::string::npos);
}
