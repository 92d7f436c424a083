#include "tako/report/timeline.h"

#include <gtest/gtest.h>

#include "helpers.h"

namespace tako::report {
namespace {

using namespace tako::report::testing;

const RunSpan& run_of(const Timeline& t, const std::string& id) {
  for (const RunSpan& r : t.runs) {
    if (r.run_id == id) return r;
  }
  throw std::runtime_error("no run " + id);
}

TEST(Timeline, RunsInPreOrderWithTimesFromTheOrigin) {
  Timeline t = build_timeline(fan_out_tree(), fan_out_history(), at_ms(500));
  EXPECT_EQ(t.origin, at_ms(0));
  ASSERT_EQ(t.runs.size(), 4u);
  EXPECT_EQ(t.runs[0].run_id, "root");
  EXPECT_EQ(t.runs[1].run_id, "a");
  EXPECT_EQ(t.runs[3].run_id, "c");
  EXPECT_EQ(t.runs[0].start_us, 0);
  EXPECT_EQ(t.runs[0].end_us, 100000);
  EXPECT_EQ(run_of(t, "b").start_us, 45000);
  EXPECT_EQ(t.end_us, 100000);
  EXPECT_EQ(t.root_status, "completed");
  EXPECT_FALSE(t.runs[0].open);
}

TEST(Timeline, SlotsFromIntervals) {
  Timeline t = build_timeline(fan_out_tree(), fan_out_history(), at_ms(500));
  // The root holds its track for the whole tree; the children ran one after another.
  EXPECT_EQ(t.slot_count, 2);
  EXPECT_EQ(run_of(t, "root").slot, 0);
  EXPECT_EQ(run_of(t, "a").slot, 1);
  EXPECT_EQ(run_of(t, "b").slot, 1);
  EXPECT_EQ(run_of(t, "c").slot, 1);
}

TEST(Timeline, WaitsFromHistory) {
  Timeline t = build_timeline(fan_out_tree(), fan_out_history(), at_ms(500));
  const RunSpan& a = run_of(t, "a");
  ASSERT_EQ(a.waits.size(), 1u);
  EXPECT_EQ(a.waits[0].kind, WaitKind::Queue);
  EXPECT_EQ(a.waits[0].start_us, 11000);
  EXPECT_EQ(a.waits[0].end_us, 12000);
  const RunSpan& b = run_of(t, "b");
  ASSERT_EQ(b.waits.size(), 2u);
  EXPECT_EQ(b.waits[0].reason, "concurrency slot");
  EXPECT_EQ(b.waits[0].end_us, 40000);
  EXPECT_EQ(b.waits[1].kind, WaitKind::Lock);
  EXPECT_EQ(b.waits[1].reason, "lock on o/b");
  EXPECT_EQ(b.waits[1].start_us, 40000);
  EXPECT_EQ(b.waits[1].end_us, 45000);
  EXPECT_TRUE(run_of(t, "root").waits.empty());  // created and started at once: no wait
  // Wait tracks: a's queue ended at 12, so b's lock wait reuses its track.
  EXPECT_EQ(t.wait_track_count, 3);
  EXPECT_EQ(a.waits[0].track, 0);
  EXPECT_EQ(b.waits[0].track, 1);
  EXPECT_EQ(run_of(t, "c").waits[0].track, 2);
  EXPECT_EQ(b.waits[1].track, 0);
}

TEST(Timeline, WaitEndsAtTheRecordedStartNotItsLaterCommit) {
  auto history = fan_out_history();
  history[6] = hist(7, 47, "b", "run_started", {{"status", "running"}});  // b started at 45
  Timeline t = build_timeline(fan_out_tree(), history, at_ms(500));
  EXPECT_EQ(run_of(t, "b").waits.back().end_us, 45000);
  EXPECT_LE(run_of(t, "b").waits.back().end_us, run_of(t, "b").start_us);
}

TEST(Timeline, SingleChildCreatedRowOpensAWait) {
  auto doc = fan_out_tree();
  auto history = fan_out_history();
  history[2] = hist(3, 20, "c", "child_created", {{"status", "pending"}});
  Timeline t = build_timeline(doc, history, at_ms(500));
  ASSERT_EQ(run_of(t, "c").waits.size(), 1u);
  EXPECT_EQ(run_of(t, "c").waits[0].start_us, 20000);
  EXPECT_TRUE(run_of(t, "a").waits.empty());
}

TEST(Timeline, StepsNestInTheirRun) {
  Timeline t = build_timeline(fan_out_tree(), fan_out_history(), at_ms(500));
  for (const RunSpan& r : t.runs) {
    int64_t prev_end = r.start_us;
    for (const StepSpan& s : r.steps) {
      EXPECT_GE(s.start_us, prev_end) << r.run_id << "/" << s.id;
      EXPECT_LE(s.end_us, r.end_us) << r.run_id << "/" << s.id;
      EXPECT_LE(s.start_us, s.end_us);
      prev_end = s.end_us;
    }
  }
  const RunSpan& c = run_of(t, "c");
  ASSERT_EQ(c.steps.size(), 2u);
  EXPECT_EQ(c.steps[0].exit_code, 2);
  EXPECT_EQ(c.steps[0].error, "exit status 2");
  // Never started: a zero-length mark right after the previous step.
  EXPECT_FALSE(c.steps[1].started);
  EXPECT_EQ(c.steps[1].start_us, 89000);
  EXPECT_EQ(c.steps[1].end_us, 89000);
  EXPECT_EQ(c.steps[1].status, "skipped");
}

TEST(Timeline, StepsOutsideTheirRunAreClamped) {
  state::StateDocument doc;
  doc.root = run("root", "o/r", state::RunStatus::Completed, 10, 20);
  doc.root.steps.push_back(step("early", state::StepStatus::Completed, 5, 15));
  doc.root.steps.push_back(step("overlapping", state::StepStatus::Completed, 12, 25));
  Timeline t = build_timeline(doc, {}, at_ms(100));
  EXPECT_EQ(t.origin, at_ms(5));  // the earliest recorded time, even a step's
  const RunSpan& r = t.runs[0];
  EXPECT_EQ(r.start_us, 5000);
  EXPECT_EQ(r.steps[0].start_us, 5000);
  EXPECT_EQ(r.steps[0].end_us, 10000);
  EXPECT_EQ(r.steps[1].start_us, 10000);  // after the previous step
  EXPECT_EQ(r.steps[1].end_us, 15000);    // within the run
}

TEST(Timeline, RunningRunsEndNow) {
  state::StateDocument doc;
  doc.root = run("root", "o/r", state::RunStatus::Running, 0, std::nullopt);
  doc.root.steps.push_back(step("s", state::StepStatus::Running, 2, std::nullopt));
  Timeline t = build_timeline(doc, {}, at_ms(50));
  EXPECT_TRUE(t.runs[0].open);
  EXPECT_EQ(t.runs[0].end_us, 50000);
  EXPECT_EQ(t.runs[0].steps[0].end_us, 50000);
  EXPECT_EQ(t.end_us, 50000);
}

TEST(Timeline, ChildThatNeverStarted) {
  auto doc = fan_out_tree();
  state::RunNode& c = doc.root.children.back();
  c.status = state::RunStatus::Cancelled;
  c.start_time.reset();
  c.end_time = at_ms(70);
  c.steps.clear();
  auto history = fan_out_history();
  history[8] = hist(9, 65, "c", "run_waiting", {{"status", "pending"}, {"waiting_for", "parent"}});
  history[9] = hist(10, 70, "c", "run_finished", {{"status", "cancelled"}});
  Timeline t = build_timeline(doc, history, at_ms(500));
  const RunSpan& r = run_of(t, "c");
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.start_us, 70000);
  EXPECT_EQ(r.end_us, 70000);
  ASSERT_EQ(r.waits.size(), 2u);
  EXPECT_EQ(r.waits[1].kind, WaitKind::Parent);
  EXPECT_EQ(r.waits[1].end_us, 70000);
}

TEST(Timeline, MalformedHistoryDataIsIgnored) {
  auto history = fan_out_history();
  history[2].data = nlohmann::json::array();  // children_created without its object
  history[5].data = {{"waiting_for", 3}};
  Timeline t = build_timeline(fan_out_tree(), history, at_ms(500));
  EXPECT_TRUE(run_of(t, "a").waits.empty());
  ASSERT_EQ(run_of(t, "b").waits.size(), 1u);
  EXPECT_EQ(run_of(t, "b").waits[0].reason, "waiting");
  EXPECT_EQ(run_of(t, "b").waits[0].kind, WaitKind::Other);
}

TEST(Timeline, FanOutEvents) {
  Timeline t = build_timeline(fan_out_tree(), fan_out_history(), at_ms(500));
  ASSERT_EQ(t.fan_outs.size(), 1u);
  EXPECT_EQ(t.fan_outs[0].event_type, "ping");
  EXPECT_EQ(t.fan_outs[0].payload["version"], "1.2.3");
  EXPECT_EQ(t.fan_outs[0].children, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(run_of(t, "root").steps[1].has_fan_out);
}

TEST(Timeline, EmptyTreeStartsNow) {
  state::StateDocument doc;
  doc.root = run("root", "o/r", state::RunStatus::Pending, std::nullopt, std::nullopt);
  Timeline t = build_timeline(doc, {}, at_ms(7));
  EXPECT_EQ(t.origin, at_ms(7));
  EXPECT_EQ(t.runs[0].start_us, 0);
  EXPECT_EQ(t.end_us, 0);
}

TEST(Timeline, Json) {
  auto j = to_json(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500)));
  EXPECT_EQ(j["origin"], "2025-07-15T12:00:00Z");
  EXPECT_EQ(j["slot_count"], 2);
  EXPECT_EQ(j["runs"][2]["waits"][1]["kind"], "lock");
  EXPECT_EQ(j["fan_outs"][0]["event_type"], "ping");
}

TEST(Timeline, WaitKinds) {
  EXPECT_EQ(wait_kind("concurrency slot"), WaitKind::Queue);
  EXPECT_EQ(wait_kind("lock on o/x"), WaitKind::Lock);
  EXPECT_EQ(wait_kind("parent"), WaitKind::Parent);
  EXPECT_EQ(wait_kind("lock"), WaitKind::Other);
  EXPECT_EQ(to_string(WaitKind::Lock), "lock");
}

}  // namespace
}  // namespace tako::report
