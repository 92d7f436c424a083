#include "tako/report/trace_json.h"

#include <map>
#include <utility>

#include "tako/util/version.h"

namespace tako::report {

using nlohmann::json;

namespace {

constexpr int kPid = 1;

json metadata(const char* name, int tid, json args) {
  return {{"ph", "M"}, {"name", name}, {"pid", kPid}, {"tid", tid}, {"ts", 0}, {"args", std::move(args)}};
}

json slice(std::string name, std::string cat, int tid, int64_t start_us, int64_t end_us, json args) {
  return {{"ph", "X"},          {"name", std::move(name)}, {"cat", std::move(cat)},    {"pid", kPid},
          {"tid", tid},         {"ts", start_us},          {"dur", end_us - start_us}, {"args", std::move(args)}};
}

void put_opt(json& args, const char* key, const std::optional<std::string>& v) {
  if (v) args[key] = *v;
}

}  // namespace

json trace_events(const Timeline& t) {
  json events = json::array();
  events.push_back(metadata("process_name", 0, {{"name", "tako " + t.root_run_id + " (" + t.root_workflow + ")"}}));
  events.push_back(metadata("process_sort_index", 0, {{"sort_index", 0}}));
  for (int i = 0; i < t.slot_count; ++i) {
    events.push_back(metadata("thread_name", i + 1, {{"name", "slot " + std::to_string(i + 1)}}));
    events.push_back(metadata("thread_sort_index", i + 1, {{"sort_index", i}}));
  }
  const int first_wait_tid = t.slot_count + 1;
  for (int i = 0; i < t.wait_track_count; ++i) {
    events.push_back(metadata("thread_name", first_wait_tid + i, {{"name", "waits " + std::to_string(i + 1)}}));
    events.push_back(metadata("thread_sort_index", first_wait_tid + i, {{"sort_index", t.slot_count + i}}));
  }
  std::map<std::pair<std::string, std::string>, const FanOutInfo*> fan_outs;
  for (const FanOutInfo& f : t.fan_outs) fan_outs[{f.run_id, f.step_id}] = &f;
  for (const RunSpan& r : t.runs) {
    const int tid = r.slot + 1;
    json args = {{"run_id", r.run_id}, {"status", r.status}, {"repository", r.repository}, {"workflow", r.workflow},
                 {"depth", r.depth}};
    put_opt(args, "error", r.error);
    put_opt(args, "parent_run_id", r.parent_run_id);
    put_opt(args, "parent_step", r.parent_step);
    if (!r.started) args["started"] = false;
    if (r.open) args["open"] = true;
    // Parents before their nested steps: viewers nest slices of one thread by time and order.
    events.push_back(slice(r.repository + ":" + r.workflow, "run", tid, r.start_us, r.end_us, std::move(args)));
    for (const StepSpan& s : r.steps) {
      json sa = {{"run_id", r.run_id}, {"step", s.id}, {"kind", s.kind}, {"status", s.status},
                 {"repository", r.repository}, {"workflow", r.workflow}};
      if (s.exit_code) sa["exit_code"] = *s.exit_code;
      put_opt(sa, "error", s.error);
      put_opt(sa, "uses", s.uses);
      put_opt(sa, "on_failure_of", s.on_failure_of);
      if (s.cached) sa["cached"] = true;
      if (!s.started) sa["started"] = false;
      // The fan-out's event rides on its step's slice: a viewer's search finds it by type.
      if (auto f = fan_outs.find({r.run_id, s.id}); f != fan_outs.end()) {
        sa["event_type"] = f->second->event_type;
        sa["event_id"] = f->second->event_id;
        sa["payload"] = f->second->payload;
        sa["children"] = f->second->children.size();
      }
      events.push_back(slice(s.id, "step", tid, s.start_us, s.end_us, std::move(sa)));
    }
    for (const WaitSpan& w : r.waits) {
      json wa = {{"run_id", r.run_id}, {"reason", w.reason}, {"repository", r.repository}, {"workflow", r.workflow},
                 {"status", r.status}};
      events.push_back(slice("wait: " + w.reason, "wait." + std::string(to_string(w.kind)), first_wait_tid + w.track,
                             w.start_us, w.end_us, std::move(wa)));
    }
  }
  return {{"traceEvents", std::move(events)},
          {"displayTimeUnit", "ms"},
          {"otherData",
           {{"run_id", t.root_run_id}, {"origin", state::format_time(t.origin)}, {"tako_version", kVersion}}}};
}

std::string render_trace(const Timeline& t) {
  return trace_events(t).dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace tako::report
