// Hand-built trees for the report tests: a root that fans out to children, at times given in
// milliseconds after a fixed origin.
#pragma once

#include <string>
#include <vector>

#include "tako/state/document.h"
#include "tako/store/query.h"

namespace tako::report::testing {

inline state::Timestamp at_ms(int64_t ms) {
  // 2025-07-15T12:00:00Z
  return state::Timestamp(std::chrono::seconds(1752580800)) + std::chrono::milliseconds(ms);
}

inline state::StepNode step(const std::string& id, state::StepStatus status, std::optional<int64_t> start_ms,
                            std::optional<int64_t> end_ms) {
  state::StepNode s;
  s.id = id;
  s.status = status;
  if (start_ms) s.start_time = at_ms(*start_ms);
  if (end_ms) s.end_time = at_ms(*end_ms);
  return s;
}

inline state::RunNode run(const std::string& id, const std::string& repo, state::RunStatus status,
                          std::optional<int64_t> start_ms, std::optional<int64_t> end_ms) {
  state::RunNode r;
  r.run_id = id;
  r.repository = repo;
  r.workflow = "w";
  r.status = status;
  if (start_ms) r.start_time = at_ms(*start_ms);
  if (end_ms) r.end_time = at_ms(*end_ms);
  return r;
}

inline state::RunNode child(const std::string& id, const std::string& repo, state::RunStatus status,
                            std::optional<int64_t> start_ms, std::optional<int64_t> end_ms) {
  state::RunNode r = run(id, repo, status, start_ms, end_ms);
  r.parent_run_id = "root";
  r.parent_step = "fan";
  r.depth = 1;
  return r;
}

inline store::HistoryEntry hist(int64_t seq, int64_t ms, const std::string& run_id, const std::string& kind,
                                nlohmann::json data = nlohmann::json::object()) {
  store::HistoryEntry h;
  h.seq = seq;
  h.time = at_ms(ms);
  h.run_id = run_id;
  h.kind = kind;
  h.data = std::move(data);
  return h;
}

// root [0, 100]: step "build" [1, 10], fan-out step "fan" [10, 99] emitting "ping" to three
// children created at 11, run one at a time: a [12, 40], b [40, 60] (also waited for a lock
// from 40 to 45: started at 45), c [60, 90] failed in its step "test".
inline state::StateDocument fan_out_tree() {
  using RS = state::RunStatus;
  using SS = state::StepStatus;
  state::StateDocument doc;
  doc.root = run("root", "o/root", RS::Completed, 0, 100);
  doc.root.steps.push_back(step("build", SS::Completed, 1, 10));
  state::StepNode fan = step("fan", SS::Completed, 10, 99);
  fan.kind = state::StepKind::Uses;
  fan.uses = "tako/fan-out@v1";
  state::FanOutRecord f;
  f.fan_out_id = "fanout-1";
  f.event.id = "evt-1";
  f.event.type = "ping";
  f.event.source = "o/root";
  f.event.payload = {{"version", "1.2.3"}};
  f.children = {"a", "b", "c"};
  fan.fan_out = f;
  doc.root.steps.push_back(fan);
  state::RunNode a = child("a", "o/a", RS::Completed, 12, 40);
  a.steps.push_back(step("s", SS::Completed, 13, 39));
  state::RunNode b = child("b", "o/b", RS::Completed, 45, 60);
  b.steps.push_back(step("s", SS::Completed, 46, 59));
  state::RunNode c = child("c", "o/c", RS::Failed, 60, 90);
  c.error = "step 'test' failed: exit status 2";
  state::StepNode t = step("test", SS::Failed, 61, 89);
  t.exit_code = 2;
  t.error = "exit status 2";
  c.steps.push_back(t);
  c.steps.push_back(step("after", SS::Skipped, std::nullopt, std::nullopt));
  doc.root.children = {a, b, c};
  doc.updated_at = at_ms(100);
  return doc;
}

inline std::vector<store::HistoryEntry> fan_out_history() {
  return {
      hist(1, 0, "root", "run_created", {{"status", "pending"}}),
      hist(2, 0, "root", "run_started", {{"status", "running"}}),
      hist(3, 11, "root", "children_created",
           {{"status", "pending"}, {"parent_run_id", "root"}, {"parent_step", "fan"}, {"children", {"a", "b", "c"}}}),
      hist(4, 12, "a", "run_started", {{"status", "running"}}),
      hist(5, 40, "a", "run_finished", {{"status", "completed"}}),
      hist(6, 40, "b", "run_waiting", {{"status", "pending"}, {"waiting_for", "lock on o/b"}}),
      hist(7, 45, "b", "run_started", {{"status", "running"}}),
      hist(8, 60, "b", "run_finished", {{"status", "completed"}}),
      hist(9, 60, "c", "run_started", {{"status", "running"}}),
      hist(10, 90, "c", "run_finished", {{"status", "failed"}}),
      hist(11, 100, "root", "run_finished", {{"status", "completed"}}),
  };
}

}  // namespace tako::report::testing
