#include "tako/state/document.h"

#include <gtest/gtest.h>

#include "sample.h"

using namespace tako::state;
using namespace tako::state::testing;
using nlohmann::json;

TEST(StateTime, FormatsGoRfc3339Nano) {
  EXPECT_EQ(format_time(at("2025-07-15T12:00:00Z")), "2025-07-15T12:00:00Z");
  EXPECT_EQ(format_time(at("2025-07-15T12:00:00.123456Z")), "2025-07-15T12:00:00.123456Z");
  EXPECT_EQ(format_time(at("2025-07-15T12:00:00.000000001Z")), "2025-07-15T12:00:00.000000001Z");
  EXPECT_EQ(format_time(at("1969-12-31T23:59:59.5Z")), "1969-12-31T23:59:59.5Z");
  EXPECT_EQ(format_time(at("2024-02-29T23:59:59.999999999Z")), "2024-02-29T23:59:59.999999999Z");
  EXPECT_EQ(format_time_seconds(at("2024-07-26T14:30:22.9Z")), "2024-07-26T14:30:22Z");
}

TEST(StateTime, ParsesOffsetsToUtc) {
  EXPECT_EQ(format_time(at("2025-07-15T14:00:00+02:00")), "2025-07-15T12:00:00Z");
  EXPECT_EQ(format_time(at("2025-07-15T00:30:00-01:00")), "2025-07-15T01:30:00Z");
}

TEST(StateTime, RejectsMalformed) {
  for (const char* s : {"", "2025-07-15", "2025-07-15T12:00:00", "2025-07-15 12:00:00Z", "2025-13-01T00:00:00Z",
                        "2025-02-30T00:00:00Z", "2025-07-15T24:00:00Z", "2025-07-15T12:00:00.Z",
                        "2025-07-15T12:00:00.1234567890Z", "2025-07-15T12:00:00Zjunk", "9999-01-01T00:00:00Z",
                        "0001-01-01T00:00:00Z", "2025-07-15T12:00:00+2:00", "+025-07-15T12:00:00Z"}) {
    auto t = parse_time(s);
    EXPECT_FALSE(t.ok()) << s;
  }
  EXPECT_EQ(parse_time("x").error().message, "invalid time \"x\"");
}

TEST(StateDocument, RoundTripsEveryField) {
  StateDocument d = appendix_b();
  json j = to_json(d);
  auto back = document_from_json(j);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, d);
  EXPECT_EQ(to_json(*back), j);
  // Text round trip too.
  auto again = document_from_json(json::parse(j.dump(2)));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, d);
}

TEST(StateDocument, FieldNamesOfSpec) {
  json j = to_json(appendix_b());
  std::vector<std::string> top;
  for (auto it = j.begin(); it != j.end(); ++it) top.push_back(it.key());
  EXPECT_EQ(top, (std::vector<std::string>{"format_version", "hostname", "pid", "root", "tako_version", "updated_at"}));
  const json& root = j["root"];
  for (const char* k : {"run_id", "parent_run_id", "parent_step", "key", "repository", "path", "workflow", "status",
                        "depth", "isolation", "workspace", "worktree", "inputs", "cli_inputs", "event",
                        "start_time", "end_time", "duration_ms", "error", "current_step", "steps", "children"}) {
    EXPECT_TRUE(root.contains(k)) << k;
  }
  EXPECT_TRUE(root["parent_run_id"].is_null());
  EXPECT_TRUE(root["event"].is_null());
  EXPECT_TRUE(root["error"].is_null());
  EXPECT_EQ(root["status"], "completed");
  EXPECT_EQ(root["isolation"], "shared");
  EXPECT_EQ(root["start_time"], "2025-07-15T12:00:00Z");
  const json& step = root["steps"][1];
  for (const char* k : {"id", "kind", "uses", "status", "on_failure_of", "start_time", "end_time", "duration_ms",
                        "exit_code", "error", "outputs", "cached", "long_running", "log", "events", "fan_out"}) {
    EXPECT_TRUE(step.contains(k)) << k;
  }
  EXPECT_EQ(step["kind"], "uses");
  EXPECT_EQ(step["fan_out"]["timeout"], "30m");
  EXPECT_EQ(step["fan_out"]["children"], json::array({"exec-20250715-120000-2b3c4d5e"}));
  EXPECT_TRUE(step["fan_out"]["evaluation_errors"].is_array());
  const json& ev = step["fan_out"]["event"];
  for (const char* k : {"id", "type", "namespaced_type", "schema_version", "source", "artifact", "payload",
                        "timestamp"}) {
    EXPECT_TRUE(ev.contains(k)) << k;
  }
  EXPECT_EQ(ev["timestamp"], "2025-07-15T12:00:00.123456Z");
  EXPECT_EQ(root["children"][0]["children"][0]["isolation"], "worktree");
  EXPECT_EQ(root["children"][0]["children"][0]["status"], "completed");
}

TEST(StateDocument, EnumSpellings) {
  EXPECT_EQ(to_string(RunStatus::TimedOut), "timed_out");
  EXPECT_EQ(to_string(StepStatus::Skipped), "skipped");
  EXPECT_EQ(parse_run_status("cancelled"), RunStatus::Cancelled);
  EXPECT_FALSE(parse_run_status("skipped").has_value());
  EXPECT_FALSE(parse_step_status("timed_out").has_value());
  EXPECT_EQ(parse_step_kind("container"), StepKind::Container);
  EXPECT_FALSE(parse_isolation("none").has_value());
}

namespace {
std::string load_error(const json& j) {
  auto r = document_from_json(j);
  return r.ok() ? "ok" : r.error().message;
}
}  // namespace

TEST(StateDocument, StrictValidationNamesThePath) {
  json base = to_json(appendix_b());
  {
    json j = base;
    j["root"].erase("status");
    EXPECT_EQ(load_error(j), "root.status: missing");
  }
  {
    json j = base;
    j["root"]["children"][0]["steps"][1]["status"] = "bogus";
    EXPECT_EQ(load_error(j),
              "root.children[0].steps[1].status: expected one of pending, running, completed, failed, skipped, "
              "cancelled, got \"bogus\"");
  }
  {
    json j = base;
    j["root"]["depth"] = "0";
    EXPECT_EQ(load_error(j), "root.depth: expected integer, got string");
  }
  {
    json j = base;
    j["root"]["depth"] = 1.5;
    EXPECT_EQ(load_error(j), "root.depth: expected integer, got number");
  }
  {
    json j = base;
    j["pid"] = -1;
    EXPECT_EQ(load_error(j), "pid: integer out of range");
  }
  {
    json j = base;
    j["root"]["start_time"] = "yesterday";
    EXPECT_EQ(load_error(j), "root.start_time: invalid time \"yesterday\"");
  }
  {
    json j = base;
    j["root"]["steps"][0]["outputs"]["version"] = 1;
    EXPECT_EQ(load_error(j), "root.steps[0].outputs.version: expected string, got integer");
  }
  {
    json j = base;
    j["root"]["steps"][1]["fan_out"]["children"] = json::array({1});
    EXPECT_EQ(load_error(j), "root.steps[1].fan_out.children[0]: expected string, got integer");
  }
  {
    json j = base;
    j["root"]["children"][0]["event"]["payload"] = json::array();
    EXPECT_EQ(load_error(j), "root.children[0].event.payload: expected object, got array");
  }
  {
    json j = base;
    j["format_version"] = 2;
    EXPECT_EQ(load_error(j), "format_version: unsupported format version 2");
  }
  {
    json j = base;
    j["root"]["children"] = json::object();
    EXPECT_EQ(load_error(j), "root.children: expected array, got object");
  }
  {
    json j = base;
    j["root"]["duration_ms"] = 18446744073709551615ull;
    EXPECT_EQ(load_error(j), "root.duration_ms: integer out of range");
  }
  EXPECT_EQ(load_error(json::array()), "document: expected object, got array");
  EXPECT_EQ(load_error(json(nullptr)), "document: expected object, got null");
}

TEST(StateDocument, WaitingForIsOptionalOnLoad) {
  json j = to_json(appendix_b());
  j["root"].erase("waiting_for");
  EXPECT_EQ(load_error(j), "ok");
  j["root"]["waiting_for"] = 3;
  EXPECT_EQ(load_error(j), "root.waiting_for: expected string or null, got integer");
}

TEST(StateDocument, RejectsAbsurdRunNesting) {
  StateDocument d = appendix_b();
  RunNode chain = run("exec-20250715-120000-00000000", "o/r", "w", RunStatus::Completed);
  for (int i = 0; i < 300; ++i) {
    RunNode parent = run("exec-20250715-120000-00000000", "o/r", "w", RunStatus::Completed);
    parent.children.push_back(std::move(chain));
    chain = std::move(parent);
  }
  d.root = chain;
  auto r = document_from_json(to_json(d));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("child runs nested too deeply"), std::string::npos) << r.error().message;
}

TEST(StateTree, FindAndIterate) {
  StateDocument d = appendix_b();
  RunNode* two = find_run(d.root, "exec-20250715-120000-3c4d5e6f");
  ASSERT_NE(two, nullptr);
  EXPECT_EQ(two->repository, "my-org/app-two");
  EXPECT_EQ(find_run(d.root, "exec-00000000-000000-00000000"), nullptr);
  RunNode* parent = find_parent(d.root, two->run_id);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->repository, "my-org/app-one");
  EXPECT_EQ(find_parent(d.root, d.root.run_id), nullptr);
  ASSERT_NE(find_step(d.root, "notify_dependents"), nullptr);
  EXPECT_EQ(find_step(d.root, "nope"), nullptr);
  std::vector<std::string> order;
  for_each_run(d.root, [&](RunNode& r, RunNode* p) { order.push_back(r.repository + (p ? "<" + p->repository : "")); });
  EXPECT_EQ(order, (std::vector<std::string>{"my-org/go-lib", "my-org/app-one<my-org/go-lib",
                                             "my-org/app-two<my-org/app-one"}));
  EXPECT_EQ(count_runs(d.root), 3u);
}

TEST(StateTree, NodeReferencesStayValidWhenSiblingsAreAdded) {
  StateDocument d = appendix_b();
  RunNode& one = d.root.children.front();
  StepNode& first = one.steps.front();
  for (int i = 0; i < 100; ++i) {
    d.root.children.push_back(run("exec-20250715-120000-0000000" + std::to_string(i % 10), "o/r", "w",
                                  RunStatus::Pending));
    one.steps.push_back(step("s" + std::to_string(i), StepStatus::Pending));
  }
  EXPECT_EQ(one.repository, "my-org/app-one");
  EXPECT_EQ(first.id, "run_tests");
}

TEST(StateTree, Durations) {
  StateDocument d = appendix_b();
  EXPECT_EQ(run_duration(d.root), std::chrono::nanoseconds(52300000));
  RunNode r;
  EXPECT_FALSE(run_duration(r).has_value());
  r.duration_ms = 7;
  EXPECT_EQ(run_duration(r), std::chrono::milliseconds(7));
  r.start_time = at("1700-01-01T00:00:00Z");
  r.end_time = at("2260-01-01T00:00:00Z");  // difference overflows int64 ns: falls back
  EXPECT_EQ(run_duration(r), std::chrono::milliseconds(7));
}
