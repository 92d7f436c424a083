#include "tako/report/timeline.h"

#include <algorithm>
#include <map>

#include "tako/report/slots.h"

namespace tako::report {

using nlohmann::json;

std::string_view to_string(WaitKind k) {
  switch (k) {
    case WaitKind::Queue: return "queue";
    case WaitKind::Lock: return "lock";
    case WaitKind::Parent: return "parent";
    case WaitKind::Other: break;
  }
  return "other";
}

WaitKind wait_kind(std::string_view reason) {
  if (reason == "concurrency slot") return WaitKind::Queue;
  if (reason.rfind("lock on ", 0) == 0) return WaitKind::Lock;
  if (reason == "parent") return WaitKind::Parent;
  return WaitKind::Other;
}

namespace {

// What the history says about one run's waiting: a wait opens (with its reason) or ends.
struct WaitMark {
  state::Timestamp time{};
  std::optional<std::string> opens;  // nullopt: the current wait ends
  bool started = false;              // a run_started row (else run_finished), when closing
};

// A child is created waiting for a concurrency slot (fan-out step, REFERENCE.md §11.6); a
// run_waiting row changes the reason; the run's start or end closes the wait.
std::map<std::string, std::vector<WaitMark>> wait_marks(const std::vector<store::HistoryEntry>& history) {
  std::map<std::string, std::vector<WaitMark>> marks;
  for (const store::HistoryEntry& h : history) {
    if (h.kind == "child_created") {
      marks[h.run_id].push_back({h.time, std::string("concurrency slot")});
    } else if (h.kind == "children_created") {
      const json* children = h.data.is_object() && h.data.contains("children") ? &h.data["children"] : nullptr;
      if (children == nullptr || !children->is_array()) continue;
      for (const json& id : *children) {
        if (id.is_string()) marks[id.get<std::string>()].push_back({h.time, std::string("concurrency slot")});
      }
    } else if (h.kind == "run_waiting") {
      std::string reason = "waiting";
      if (h.data.is_object() && h.data.contains("waiting_for") && h.data["waiting_for"].is_string()) {
        reason = h.data["waiting_for"].get<std::string>();
      }
      marks[h.run_id].push_back({h.time, std::move(reason)});
    } else if (h.kind == "run_started" || h.kind == "run_finished") {
      marks[h.run_id].push_back({h.time, std::nullopt, h.kind == "run_started"});
    }
  }
  return marks;
}

struct Clock {
  state::Timestamp origin;
  int64_t us(state::Timestamp t) const {
    const auto d = std::chrono::duration_cast<std::chrono::microseconds>(t - origin).count();
    return std::max<int64_t>(d, 0);  // origin is the minimum; guards a clock that went back
  }
};

state::Timestamp earliest(const state::StateDocument& doc, const std::vector<store::HistoryEntry>& history,
                          state::Timestamp now) {
  std::optional<state::Timestamp> min;
  auto see = [&](const state::OptTime& t) {
    if (t && (!min || *t < *min)) min = t;
  };
  for (const store::HistoryEntry& h : history) see(h.time);
  state::for_each_run(doc.root, [&](const state::RunNode& r, const state::RunNode*) {
    see(r.start_time);
    see(r.end_time);
    for (const state::StepNode& s : r.steps) {
      see(s.start_time);
      see(s.end_time);
    }
  });
  return min.value_or(now);
}

std::vector<WaitSpan> waits_of(const std::vector<WaitMark>* marks, const Clock& clock, const state::RunNode& r,
                               state::Timestamp now) {
  std::vector<WaitSpan> out;
  if (marks == nullptr) return out;
  std::optional<WaitSpan> cur;
  auto close = [&](state::Timestamp t, const state::OptTime& recorded) {
    if (!cur) return;
    int64_t end = clock.us(t);
    // The run's own start (end) time is taken before its row is committed: a wait ends there, so
    // that it never overlaps the run's slice.
    if (recorded && clock.us(*recorded) >= cur->start_us) end = std::min(end, clock.us(*recorded));
    cur->end_us = std::max(cur->start_us, end);
    if (cur->end_us > cur->start_us) out.push_back(std::move(*cur));
    cur.reset();
  };
  for (const WaitMark& m : *marks) {
    close(m.time, m.opens ? std::nullopt : m.started ? r.start_time : r.end_time);
    if (m.opens) cur = WaitSpan{*m.opens, wait_kind(*m.opens), clock.us(m.time), 0, 0};
  }
  close(r.end_time.value_or(now), std::nullopt);
  return out;
}

void place_steps(const state::RunNode& r, const Clock& clock, RunSpan& run) {
  int64_t cursor = run.start_us;
  for (const state::StepNode& s : r.steps) {
    StepSpan st;
    st.id = s.id;
    st.kind = std::string(state::to_string(s.kind));
    st.uses = s.uses;
    st.status = std::string(state::to_string(s.status));
    st.on_failure_of = s.on_failure_of;
    st.exit_code = s.exit_code;
    st.error = s.error;
    st.cached = s.cached;
    st.duration_ms = s.duration_ms;
    st.has_fan_out = s.fan_out.has_value();
    st.started = s.start_time.has_value();
    if (st.started) {
      // Nesting needs start >= the run's start and the previous step's end, end <= the run's end.
      st.start_us = std::clamp(clock.us(*s.start_time), cursor, run.end_us);
      const int64_t end = s.end_time ? clock.us(*s.end_time) : run.end_us;
      st.end_us = std::clamp(end, st.start_us, run.end_us);
    } else {
      st.start_us = st.end_us = cursor;
    }
    cursor = st.end_us;
    run.steps.push_back(std::move(st));
  }
}

}  // namespace

Timeline build_timeline(const state::StateDocument& doc, const std::vector<store::HistoryEntry>& history,
                        state::Timestamp now) {
  Timeline t;
  t.root_run_id = doc.root.run_id;
  t.root_workflow = doc.root.workflow;
  t.root_status = std::string(state::to_string(doc.root.status));
  t.origin = earliest(doc, history, now);
  const Clock clock{t.origin};
  const auto marks = wait_marks(history);
  state::for_each_run(doc.root, [&](const state::RunNode& r, const state::RunNode*) {
    RunSpan run;
    run.run_id = r.run_id;
    run.parent_run_id = r.parent_run_id;
    run.parent_step = r.parent_step;
    run.repository = r.repository;
    run.workflow = r.workflow;
    run.status = std::string(state::to_string(r.status));
    run.error = r.error;
    run.depth = r.depth;
    run.duration_ms = r.duration_ms;
    auto m = marks.find(r.run_id);
    run.waits = waits_of(m == marks.end() ? nullptr : &m->second, clock, r, now);
    run.started = r.start_time.has_value();
    run.open = !r.end_time.has_value();
    if (run.started) {
      run.start_us = clock.us(*r.start_time);
      run.end_us = std::max(run.start_us, clock.us(r.end_time.value_or(now)));
    } else {
      // Never started: a mark where its wait ended (or where it ended).
      int64_t at = r.end_time ? clock.us(*r.end_time) : clock.us(now);
      if (!run.waits.empty()) at = std::max(at, run.waits.back().end_us);
      run.start_us = run.end_us = at;
    }
    place_steps(r, clock, run);
    for (const state::StepNode& s : r.steps) {
      if (!s.fan_out) continue;
      const state::FanOutRecord& f = *s.fan_out;
      t.fan_outs.push_back({r.run_id, s.id, r.repository, r.workflow, f.fan_out_id, f.event.id, f.event.type,
                            f.event.source, f.event.payload, f.wait_for_children, f.timeout, f.children,
                            f.evaluation_errors});
    }
    t.runs.push_back(std::move(run));
  });
  std::vector<Interval> slots;
  std::vector<Interval> waits;
  for (const RunSpan& r : t.runs) {
    slots.push_back({r.start_us, r.end_us});
    for (const WaitSpan& w : r.waits) waits.push_back({w.start_us, w.end_us});
    t.end_us = std::max(t.end_us, r.end_us);
    for (const WaitSpan& w : r.waits) t.end_us = std::max(t.end_us, w.end_us);
  }
  const std::vector<int> slot_of = assign_tracks(slots);
  const std::vector<int> wait_track_of = assign_tracks(waits);
  size_t w = 0;
  for (size_t i = 0; i < t.runs.size(); ++i) {
    t.runs[i].slot = slot_of[i];
    for (WaitSpan& span : t.runs[i].waits) span.track = wait_track_of[w++];
  }
  t.slot_count = track_count(slot_of);
  t.wait_track_count = track_count(wait_track_of);
  return t;
}

namespace {

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }

}  // namespace

json to_json(const Timeline& t) {
  json runs = json::array();
  for (const RunSpan& r : t.runs) {
    json steps = json::array();
    for (const StepSpan& s : r.steps) {
      steps.push_back({{"id", s.id}, {"kind", s.kind}, {"uses", opt(s.uses)}, {"status", s.status},
                       {"on_failure_of", opt(s.on_failure_of)}, {"exit_code", opt(s.exit_code)},
                       {"error", opt(s.error)}, {"cached", s.cached}, {"started", s.started},
                       {"start_us", s.start_us}, {"end_us", s.end_us}, {"fan_out", s.has_fan_out}});
    }
    json waits = json::array();
    for (const WaitSpan& w : r.waits) {
      waits.push_back({{"reason", w.reason}, {"kind", to_string(w.kind)}, {"start_us", w.start_us},
                       {"end_us", w.end_us}, {"track", w.track}});
    }
    runs.push_back({{"run_id", r.run_id}, {"parent_run_id", opt(r.parent_run_id)},
                    {"parent_step", opt(r.parent_step)}, {"repository", r.repository}, {"workflow", r.workflow},
                    {"status", r.status}, {"error", opt(r.error)}, {"depth", r.depth}, {"started", r.started},
                    {"open", r.open}, {"start_us", r.start_us}, {"end_us", r.end_us}, {"slot", r.slot},
                    {"steps", std::move(steps)}, {"waits", std::move(waits)}});
  }
  json fan_outs = json::array();
  for (const FanOutInfo& f : t.fan_outs) {
    fan_outs.push_back({{"run_id", f.run_id}, {"step_id", f.step_id}, {"repository", f.repository},
                        {"workflow", f.workflow}, {"fan_out_id", f.fan_out_id}, {"event_id", f.event_id},
                        {"event_type", f.event_type}, {"source", f.source}, {"payload", f.payload},
                        {"wait_for_children", f.wait_for_children}, {"timeout", opt(f.timeout)},
                        {"children", f.children}, {"evaluation_errors", f.evaluation_errors}});
  }
  return {{"root_run_id", t.root_run_id}, {"root_workflow", t.root_workflow}, {"root_status", t.root_status},
          {"origin", state::format_time(t.origin)}, {"end_us", t.end_us}, {"slot_count", t.slot_count},
          {"wait_track_count", t.wait_track_count}, {"runs", std::move(runs)}, {"fan_outs", std::move(fan_outs)}};
}

}  // namespace tako::report
