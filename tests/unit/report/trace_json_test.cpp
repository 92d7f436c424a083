#include "tako/report/trace_json.h"

#include <gtest/gtest.h>

#include <map>

#include "helpers.h"

namespace tako::report {
namespace {

using namespace tako::report::testing;
using nlohmann::json;

json trace() { return trace_events(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500))); }

std::vector<json> slices(const json& t, const std::string& cat_prefix) {
  std::vector<json> out;
  for (const json& e : t["traceEvents"]) {
    if (e["ph"] == "X" && e["cat"].get<std::string>().rfind(cat_prefix, 0) == 0) out.push_back(e);
  }
  return out;
}

TEST(Trace, ObjectFormWithMetadata) {
  json t = trace();
  EXPECT_EQ(t["displayTimeUnit"], "ms");
  EXPECT_EQ(t["otherData"]["run_id"], "root");
  EXPECT_EQ(t["otherData"]["origin"], "2025-07-15T12:00:00Z");
  std::map<int, std::string> names;
  for (const json& e : t["traceEvents"]) {
    ASSERT_TRUE(e.contains("ph"));
    if (e["ph"] == "M" && e["name"] == "thread_name") names[e["tid"]] = e["args"]["name"];
    if (e["ph"] == "M" && e["name"] == "process_name") {
      EXPECT_EQ(e["args"]["name"], "tako root (w)");
    }
  }
  EXPECT_EQ(names, (std::map<int, std::string>{{1, "slot 1"}, {2, "slot 2"}, {3, "waits 1"}, {4, "waits 2"},
                                               {5, "waits 3"}}));
}

TEST(Trace, EverySliceIsComplete) {
  const json t = trace();  // a range over trace()["traceEvents"] would outlive the temporary
  for (const json& e : t["traceEvents"]) {
    if (e["ph"] != "X") continue;
    for (const char* k : {"name", "cat", "ts", "dur", "pid", "tid", "args"}) EXPECT_TRUE(e.contains(k)) << k << e;
    EXPECT_TRUE(e["ts"].is_number_integer());
    EXPECT_GE(e["dur"].get<int64_t>(), 0);
  }
}

TEST(Trace, OneSlicePerRunAndStepOnItsSlot) {
  json t = trace();
  auto runs = slices(t, "run");
  auto steps = slices(t, "step");
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(steps.size(), 6u);  // build, fan, a/s, b/s, c/test, c/after
  EXPECT_EQ(runs[0]["name"], "o/root:w");
  EXPECT_EQ(runs[0]["tid"], 1);
  EXPECT_EQ(runs[3]["name"], "o/c:w");
  EXPECT_EQ(runs[3]["tid"], 2);
  EXPECT_EQ(runs[3]["args"]["status"], "failed");
  EXPECT_EQ(runs[3]["args"]["error"], "step 'test' failed: exit status 2");
  EXPECT_EQ(runs[3]["args"]["repository"], "o/c");
  EXPECT_EQ(runs[3]["args"]["workflow"], "w");
  // Steps sit on their run's track, inside its slice.
  for (const json& s : steps) {
    const json* owner = nullptr;
    for (const json& r : runs) {
      if (r["args"]["run_id"] == s["args"]["run_id"]) owner = &r;
    }
    ASSERT_NE(owner, nullptr);
    EXPECT_EQ(s["tid"], (*owner)["tid"]);
    EXPECT_GE(s["ts"].get<int64_t>(), (*owner)["ts"].get<int64_t>());
    EXPECT_LE(s["ts"].get<int64_t>() + s["dur"].get<int64_t>(),
              (*owner)["ts"].get<int64_t>() + (*owner)["dur"].get<int64_t>());
  }
  const json& test = steps[4];
  EXPECT_EQ(test["name"], "test");
  EXPECT_EQ(test["args"]["exit_code"], 2);
  EXPECT_EQ(test["args"]["status"], "failed");
  EXPECT_EQ(steps[1]["args"]["event_type"], "ping");
  EXPECT_EQ(steps[1]["args"]["payload"]["version"], "1.2.3");
  EXPECT_EQ(steps[1]["args"]["children"], 3);
}

TEST(Trace, WaitsOnTheirOwnTracks) {
  json t = trace();
  auto waits = slices(t, "wait.");
  ASSERT_EQ(waits.size(), 4u);
  int locks = 0;
  for (const json& w : waits) {
    EXPECT_GE(w["tid"].get<int>(), 3);  // never on a slot track
    if (w["cat"] == "wait.lock") {
      ++locks;
      EXPECT_EQ(w["name"], "wait: lock on o/b");
      EXPECT_EQ(w["ts"], 40000);
      EXPECT_EQ(w["dur"], 5000);
      EXPECT_EQ(w["args"]["run_id"], "b");
    }
  }
  EXPECT_EQ(locks, 1);
}

TEST(Trace, RenderedTextParses) {
  std::string text = render_trace(build_timeline(fan_out_tree(), fan_out_history(), at_ms(500)));
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(json::parse(text), trace());
}

TEST(Trace, InvalidUtf8IsReplaced) {
  auto doc = fan_out_tree();
  doc.root.error = std::string("bad \xff byte");
  std::string text = render_trace(build_timeline(doc, fan_out_history(), at_ms(500)));
  json parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(parsed.is_discarded());
}

}  // namespace
}  // namespace tako::report
