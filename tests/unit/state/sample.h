// Builders for state documents used by the state unit tests.
#pragma once

#include <string>

#include "tako/state/document.h"

namespace tako::state::testing {

inline Timestamp at(const char* rfc3339) { return *parse_time(rfc3339); }

inline StepNode step(std::string id, StepStatus status, const char* start = nullptr, const char* end = nullptr) {
  StepNode s;
  s.id = std::move(id);
  s.status = status;
  s.log = "logs/" + s.id + ".log";
  if (start) s.start_time = at(start);
  if (end) s.end_time = at(end);
  if (start && end) s.duration_ms = (*s.end_time - *s.start_time).count() / 1000000;
  return s;
}

inline RunNode run(std::string id, std::string repo, std::string workflow, RunStatus status) {
  RunNode r;
  r.run_id = std::move(id);
  r.repository = std::move(repo);
  r.workflow = std::move(workflow);
  r.status = status;
  r.path = "/src/" + r.repository;
  r.workspace = "/home/u/.tako/workspaces/" + r.run_id;
  return r;
}

inline EventRecord event() {
  EventRecord e;
  e.id = "evt-0123456789abcdef";
  e.type = "library_built";
  e.namespaced_type = "my-org/go-lib/library_built";
  e.schema_version = "1.4.0";
  e.source = "my-org/go-lib";
  e.artifact = "go-lib";
  e.payload = {{"version", "1.4.0"}, {"n", 3}, {"nested", {{"list", {1, 2.5, "x", nullptr, true}}}}};
  e.timestamp = at("2025-07-15T12:00:00.123456Z");
  return e;
}

// Appendix B after a successful run: go-lib -> app-one -> app-two, every field used.
inline StateDocument appendix_b() {
  StateDocument d;
  d.tako_version = "v0.1.0";
  d.updated_at = at("2025-07-15T12:00:00.060Z");
  d.pid = 4242;
  d.hostname = "builder";
  RunNode root = run("exec-20250715-120000-1a2b3c4d", "my-org/go-lib", "release", RunStatus::Completed);
  root.inputs = {{"version", "1.4.0"}};
  root.cli_inputs = {{"version", "1.4.0"}};
  root.start_time = at("2025-07-15T12:00:00Z");
  root.end_time = at("2025-07-15T12:00:00.0523Z");
  root.duration_ms = 52;
  StepNode build = step("build", StepStatus::Completed, "2025-07-15T12:00:00.001Z", "2025-07-15T12:00:00.0094Z");
  build.outputs = {{"version", "1.4.0"}};
  build.exit_code = 0;
  build.events.push_back(event());
  StepNode notify = step("notify_dependents", StepStatus::Completed, "2025-07-15T12:00:00.010Z",
                         "2025-07-15T12:00:00.0379Z");
  notify.kind = StepKind::Uses;
  notify.uses = "tako/fan-out@v1";
  FanOutRecord fo;
  fo.fan_out_id = "fanout-0a1b2c3d4e5f6a7b";
  fo.event = event();
  fo.wait_for_children = true;
  fo.timeout = "30m";
  fo.children = {"exec-20250715-120000-2b3c4d5e"};
  notify.fan_out = fo;
  notify.outputs = {{"event_id", "evt-0123456789abcdef"}, {"triggered_count", "1"}};
  StepNode finish = step("finish", StepStatus::Completed, "2025-07-15T12:00:00.040Z", "2025-07-15T12:00:00.0461Z");
  root.steps = {build, notify, finish};

  RunNode one = run("exec-20250715-120000-2b3c4d5e", "my-org/app-one", "integration_test", RunStatus::Completed);
  one.parent_run_id = root.run_id;
  one.parent_step = "notify_dependents";
  one.key = "abc123:my-org/app-one:integration_test";
  one.depth = 1;
  one.event = event();
  one.inputs = {{"lib_version", "1.4.0"}};
  one.start_time = at("2025-07-15T12:00:00.012Z");
  one.end_time = at("2025-07-15T12:00:00.0361Z");
  one.duration_ms = 24;
  one.steps = {step("run_tests", StepStatus::Completed, "2025-07-15T12:00:00.013Z", "2025-07-15T12:00:00.0192Z"),
               step("announce", StepStatus::Completed, "2025-07-15T12:00:00.020Z", "2025-07-15T12:00:00.0327Z")};

  RunNode two = run("exec-20250715-120000-3c4d5e6f", "my-org/app-two", "deploy", RunStatus::Completed);
  two.parent_run_id = one.run_id;
  two.parent_step = "announce";
  two.depth = 2;
  two.isolation = Isolation::Worktree;
  two.worktree = "/ws/children/x/worktree";
  two.start_time = at("2025-07-15T12:00:00.022Z");
  two.end_time = at("2025-07-15T12:00:00.0313Z");
  two.duration_ms = 9;
  two.steps = {step("deploy", StepStatus::Completed, "2025-07-15T12:00:00.0225Z", "2025-07-15T12:00:00.0313Z")};
  one.children.push_back(two);
  root.children.push_back(one);
  d.root = root;
  return d;
}

}  // namespace tako::state::testing
