#include "tako/state/document.h"

#include <array>
#include <cstdio>
#include <limits>

namespace tako::state {

using nlohmann::json;

// ---- enums --------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 6> kRunStatus = {"pending", "running", "completed",
                                                        "failed", "timed_out", "cancelled"};
constexpr std::array<std::string_view, 6> kStepStatus = {"pending", "running", "completed",
                                                         "failed", "skipped", "cancelled"};
constexpr std::array<std::string_view, 3> kStepKind = {"run", "container", "uses"};
constexpr std::array<std::string_view, 2> kIsolation = {"shared", "worktree"};

template <class E, std::size_t N>
std::optional<E> parse_enum(const std::array<std::string_view, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == s) return static_cast<E>(i);
  }
  return std::nullopt;
}

template <std::size_t N>
std::string one_of(const std::array<std::string_view, N>& names) {
  std::string out = "expected one of ";
  for (std::size_t i = 0; i < N; ++i) {
    if (i) out += ", ";
    out += names[i];
  }
  return out;
}

}  // namespace

std::string_view to_string(RunStatus s) { return kRunStatus[static_cast<std::size_t>(s)]; }
std::string_view to_string(StepStatus s) { return kStepStatus[static_cast<std::size_t>(s)]; }
std::string_view to_string(StepKind k) { return kStepKind[static_cast<std::size_t>(k)]; }
std::string_view to_string(Isolation i) { return kIsolation[static_cast<std::size_t>(i)]; }
std::optional<RunStatus> parse_run_status(std::string_view s) { return parse_enum<RunStatus>(kRunStatus, s); }
std::optional<StepStatus> parse_step_status(std::string_view s) { return parse_enum<StepStatus>(kStepStatus, s); }
std::optional<StepKind> parse_step_kind(std::string_view s) { return parse_enum<StepKind>(kStepKind, s); }
std::optional<Isolation> parse_isolation(std::string_view s) { return parse_enum<Isolation>(kIsolation, s); }

// ---- time -----------------------------------------------------------------------

Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

namespace {

struct Civil {
  int year, month, day, hour, minute, second;
  int64_t nanos;
};

Civil to_civil(Timestamp t) {
  using namespace std::chrono;
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  auto rest = t - day_point;  // [0, 1 day)
  int64_t ns = rest.count();
  int64_t secs = ns / 1000000000;
  return Civil{int(ymd.year()), int(unsigned(ymd.month())), int(unsigned(ymd.day())),
               int(secs / 3600), int((secs / 60) % 60), int(secs % 60), ns % 1000000000};
}

}  // namespace

size_t format_time_to(Timestamp t, char* buf) {
  Civil c = to_civil(t);
  auto put = [&](size_t pos, int value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      buf[pos + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, c.year, 4);  // years are 1677..2262 for int64 nanoseconds
  buf[4] = '-';
  put(5, c.month, 2);
  buf[7] = '-';
  put(8, c.day, 2);
  buf[10] = 'T';
  put(11, c.hour, 2);
  buf[13] = ':';
  put(14, c.minute, 2);
  buf[16] = ':';
  put(17, c.second, 2);
  size_t n = 19;
  if (c.nanos != 0) {
    buf[n++] = '.';
    int64_t v = c.nanos;
    char frac[9];
    for (int i = 8; i >= 0; --i) {
      frac[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    int len = 9;
    while (frac[len - 1] == '0') --len;
    for (int i = 0; i < len; ++i) buf[n++] = frac[i];
  }
  buf[n++] = 'Z';
  return n;
}

std::string format_time(Timestamp t) {
  char buf[40];
  return std::string(buf, format_time_to(t, buf));
}

std::string format_time_seconds(Timestamp t) {
  Civil c = to_civil(t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute,
                c.second);
  return buf;
}

Result<Timestamp> parse_time(std::string_view s) {
  auto bad = [&] { return Error{"invalid time \"" + std::string(s) + "\""}; };
  std::size_t i = 0;
  auto digits = [&](std::size_t n, int& out) {
    if (i + n > s.size()) return false;
    int v = 0;
    for (std::size_t k = 0; k < n; ++k) {
      char ch = s[i + k];
      if (ch < '0' || ch > '9') return false;
      v = v * 10 + (ch - '0');
    }
    i += n;
    out = v;
    return true;
  };
  auto lit = [&](char ch) {
    if (i >= s.size() || s[i] != ch) return false;
    ++i;
    return true;
  };
  int y, mo, d, h, mi, se;
  if (!digits(4, y) || !lit('-') || !digits(2, mo) || !lit('-') || !digits(2, d) || !lit('T') || !digits(2, h) ||
      !lit(':') || !digits(2, mi) || !lit(':') || !digits(2, se)) {
    return bad();
  }
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    std::size_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++n > 9) return bad();
      nanos = nanos * 10 + (s[i] - '0');
      ++i;
    }
    if (n == 0) return bad();
    for (; n < 9; ++n) nanos *= 10;
  }
  int64_t offset_secs = 0;
  if (lit('Z')) {
  } else if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int sign = s[i] == '-' ? -1 : 1;
    ++i;
    int oh, om;
    if (!digits(2, oh) || !lit(':') || !digits(2, om) || oh > 23 || om > 59) return bad();
    offset_secs = sign * (oh * 3600 + om * 60);
  } else {
    return bad();
  }
  if (i != s.size()) return bad();
  using namespace std::chrono;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || se > 59) return bad();
  int64_t days_since_epoch = sys_days{ymd}.time_since_epoch().count();
  int64_t secs = days_since_epoch * 86400 + h * 3600 + mi * 60 + se - offset_secs;
  // Representable as int64 nanoseconds (years ~1678..2262).
  constexpr int64_t kMaxSecs = std::numeric_limits<int64_t>::max() / 1000000000 - 1;
  if (secs > kMaxSecs || secs < -kMaxSecs) return Error{"invalid time \"" + std::string(s) + "\" (out of range)"};
  return Timestamp{nanoseconds{secs * 1000000000 + nanos}};
}

// ---- to_json --------------------------------------------------------------------------

namespace {

json opt(const std::optional<std::string>& v) { return v ? json(*v) : json(nullptr); }
json opt(const std::optional<int64_t>& v) { return v ? json(*v) : json(nullptr); }
json opt(const OptTime& v) { return v ? json(format_time(*v)) : json(nullptr); }

json string_map(const std::map<std::string, std::string>& m) {
  json out = json::object();
  for (const auto& [k, v] : m) out[k] = v;
  return out;
}

json string_list(const std::vector<std::string>& v) {
  json out = json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

}  // namespace

json to_json(const EventRecord& e) {
  json j = json::object();
  j["id"] = e.id;
  j["type"] = e.type;
  j["namespaced_type"] = e.namespaced_type;
  j["schema_version"] = e.schema_version;
  j["source"] = e.source;
  j["artifact"] = e.artifact;
  j["payload"] = e.payload.is_object() ? e.payload : json::object();
  j["timestamp"] = format_time(e.timestamp);
  return j;
}

json to_json(const StepNode& s) {
  json j = json::object();
  j["id"] = s.id;
  j["kind"] = to_string(s.kind);
  j["uses"] = opt(s.uses);
  j["status"] = to_string(s.status);
  j["on_failure_of"] = opt(s.on_failure_of);
  j["start_time"] = opt(s.start_time);
  j["end_time"] = opt(s.end_time);
  j["duration_ms"] = opt(s.duration_ms);
  j["exit_code"] = opt(s.exit_code);
  j["error"] = opt(s.error);
  j["outputs"] = string_map(s.outputs);
  j["cached"] = s.cached;
  j["long_running"] = s.long_running;
  j["log"] = s.log;
  json events = json::array();
  for (const auto& e : s.events) events.push_back(to_json(e));
  j["events"] = std::move(events);
  if (s.fan_out) {
    const FanOutRecord& f = *s.fan_out;
    json fo = json::object();
    fo["fan_out_id"] = f.fan_out_id;
    fo["event"] = to_json(f.event);
    fo["wait_for_children"] = f.wait_for_children;
    fo["timeout"] = opt(f.timeout);
    fo["children"] = string_list(f.children);
    fo["evaluation_errors"] = string_list(f.evaluation_errors);
    j["fan_out"] = std::move(fo);
  } else {
    j["fan_out"] = nullptr;
  }
  return j;
}

json to_json(const RunNode& r) {
  json j = json::object();
  j["run_id"] = r.run_id;
  j["parent_run_id"] = opt(r.parent_run_id);
  j["parent_step"] = opt(r.parent_step);
  j["key"] = opt(r.key);
  j["repository"] = r.repository;
  j["path"] = r.path;
  j["workflow"] = r.workflow;
  j["status"] = to_string(r.status);
  j["depth"] = r.depth;
  j["isolation"] = to_string(r.isolation);
  j["workspace"] = r.workspace;
  j["worktree"] = opt(r.worktree);
  j["inputs"] = r.inputs.is_object() ? r.inputs : json::object();
  j["cli_inputs"] = string_map(r.cli_inputs);
  j["event"] = r.event ? to_json(*r.event) : json(nullptr);
  j["start_time"] = opt(r.start_time);
  j["end_time"] = opt(r.end_time);
  j["duration_ms"] = opt(r.duration_ms);
  j["error"] = opt(r.error);
  j["current_step"] = opt(r.current_step);
  j["waiting_for"] = opt(r.waiting_for);
  json steps = json::array();
  for (const auto& s : r.steps) steps.push_back(to_json(s));
  j["steps"] = std::move(steps);
  json children = json::array();
  for (const auto& c : r.children) children.push_back(to_json(c));
  j["children"] = std::move(children);
  return j;
}

json to_json(const StateDocument& d) {
  json j = json::object();
  j["format_version"] = d.format_version;
  j["tako_version"] = d.tako_version;
  j["updated_at"] = format_time(d.updated_at);
  j["pid"] = d.pid;
  j["hostname"] = d.hostname;
  j["root"] = to_json(d.root);
  return j;
}

// ---- from_json (strict) -------------------------------------------------------------------

namespace {

// Maximum depth of nested child runs accepted on load (the engine's --max-depth
// is far smaller in practice); bounds the recursion of the converters.
constexpr int kMaxRunNesting = 200;

const char* type_name(const json& j) {
  switch (j.type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "object";
    case json::value_t::array: return "array";
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return "integer";
    case json::value_t::number_float: return "number";
    default: return "value";
  }
}

// Collects the first error; every getter returns false once an error is set.
class Reader {
 public:
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  bool fail(const std::string& path, const std::string& message) {
    if (error_.empty()) error_ = (path.empty() ? std::string("document") : path) + ": " + message;
    return false;
  }

  static std::string join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

  const json* member(const json& obj, const std::string& path, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      fail(join(path, key), "missing");
      return nullptr;
    }
    return &*it;
  }

  bool object(const json& j, const std::string& path) {
    if (!j.is_object()) return fail(path, std::string("expected object, got ") + type_name(j));
    return true;
  }

  bool string(const json& obj, const std::string& path, const char* key, std::string& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    if (!v->is_string()) return fail(join(path, key), std::string("expected string, got ") + type_name(*v));
    out = v->get_ref<const std::string&>();
    return true;
  }

  bool opt_string(const json& obj, const std::string& path, const char* key, std::optional<std::string>& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    if (v->is_null()) {
      out.reset();
      return true;
    }
    if (!v->is_string()) {
      return fail(join(path, key), std::string("expected string or null, got ") + type_name(*v));
    }
    out = v->get_ref<const std::string&>();
    return true;
  }

  bool integer_value(const json& v, const std::string& where, int64_t lo, int64_t hi, int64_t& out) {
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      out = v.get<int64_t>();
    } else if (v.is_number_unsigned()) {
      uint64_t u = v.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return fail(where, "integer out of range");
      out = static_cast<int64_t>(u);
    } else {
      return fail(where, std::string("expected integer, got ") + type_name(v));
    }
    if (out < lo || out > hi) return fail(where, "integer out of range");
    return true;
  }

  bool integer(const json& obj, const std::string& path, const char* key, int64_t lo, int64_t hi, int64_t& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    return integer_value(*v, join(path, key), lo, hi, out);
  }

  bool opt_integer(const json& obj, const std::string& path, const char* key, std::optional<int64_t>& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    if (v->is_null()) {
      out.reset();
      return true;
    }
    int64_t n = 0;
    if (!integer_value(*v, join(path, key), std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                       n)) {
      return false;
    }
    out = n;
    return true;
  }

  bool boolean(const json& obj, const std::string& path, const char* key, bool& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    if (!v->is_boolean()) return fail(join(path, key), std::string("expected boolean, got ") + type_name(*v));
    out = v->get<bool>();
    return true;
  }

  bool time(const json& obj, const std::string& path, const char* key, Timestamp& out) {
    std::string s;
    if (!string(obj, path, key, s)) return false;
    auto t = parse_time(s);
    if (!t) return fail(join(path, key), t.error().message);
    out = *t;
    return true;
  }

  bool opt_time(const json& obj, const std::string& path, const char* key, OptTime& out) {
    std::optional<std::string> s;
    if (!opt_string(obj, path, key, s)) return false;
    if (!s) {
      out.reset();
      return true;
    }
    auto t = parse_time(*s);
    if (!t) return fail(join(path, key), t.error().message);
    out = *t;
    return true;
  }

  bool json_object(const json& obj, const std::string& path, const char* key, json& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    if (!v->is_object()) return fail(join(path, key), std::string("expected object, got ") + type_name(*v));
    out = *v;
    return true;
  }

  bool string_map(const json& obj, const std::string& path, const char* key, std::map<std::string, std::string>& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    std::string where = join(path, key);
    if (!v->is_object()) return fail(where, std::string("expected object, got ") + type_name(*v));
    out.clear();
    for (auto it = v->begin(); it != v->end(); ++it) {
      if (!it.value().is_string()) {
        return fail(where + "." + it.key(), std::string("expected string, got ") + type_name(it.value()));
      }
      out.emplace(it.key(), it.value().get<std::string>());
    }
    return true;
  }

  bool string_list(const json& obj, const std::string& path, const char* key, std::vector<std::string>& out) {
    const json* v = member(obj, path, key);
    if (!v) return false;
    std::string where = join(path, key);
    if (!v->is_array()) return fail(where, std::string("expected array, got ") + type_name(*v));
    out.clear();
    out.reserve(v->size());
    for (std::size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        return fail(where + "[" + std::to_string(i) + "]", std::string("expected string, got ") + type_name(e));
      }
      out.push_back(e.get<std::string>());
    }
    return true;
  }

  template <class E, std::size_t N>
  bool enumeration(const json& obj, const std::string& path, const char* key,
                   const std::array<std::string_view, N>& names, E& out) {
    std::string s;
    if (!string(obj, path, key, s)) return false;
    auto e = parse_enum<E>(names, s);
    if (!e) return fail(join(path, key), one_of(names) + ", got \"" + s + "\"");
    out = *e;
    return true;
  }

  bool event(const json& j, const std::string& path, EventRecord& e) {
    if (!object(j, path)) return false;
    return string(j, path, "id", e.id) && string(j, path, "type", e.type) &&
           string(j, path, "namespaced_type", e.namespaced_type) &&
           string(j, path, "schema_version", e.schema_version) && string(j, path, "source", e.source) &&
           string(j, path, "artifact", e.artifact) && json_object(j, path, "payload", e.payload) &&
           time(j, path, "timestamp", e.timestamp);
  }

  bool fan_out(const json& j, const std::string& path, FanOutRecord& f) {
    if (!object(j, path)) return false;
    const json* ev = member(j, path, "event");
    return string(j, path, "fan_out_id", f.fan_out_id) && ev && event(*ev, join(path, "event"), f.event) &&
           boolean(j, path, "wait_for_children", f.wait_for_children) && opt_string(j, path, "timeout", f.timeout) &&
           string_list(j, path, "children", f.children) &&
           string_list(j, path, "evaluation_errors", f.evaluation_errors);
  }

  bool step(const json& j, const std::string& path, StepNode& s) {
    if (!object(j, path)) return false;
    if (!(string(j, path, "id", s.id) && enumeration(j, path, "kind", kStepKind, s.kind) &&
          opt_string(j, path, "uses", s.uses) && enumeration(j, path, "status", kStepStatus, s.status) &&
          opt_string(j, path, "on_failure_of", s.on_failure_of) && opt_time(j, path, "start_time", s.start_time) &&
          opt_time(j, path, "end_time", s.end_time) && opt_integer(j, path, "duration_ms", s.duration_ms) &&
          opt_integer(j, path, "exit_code", s.exit_code) && opt_string(j, path, "error", s.error) &&
          string_map(j, path, "outputs", s.outputs) && boolean(j, path, "cached", s.cached) &&
          boolean(j, path, "long_running", s.long_running) && string(j, path, "log", s.log))) {
      return false;
    }
    const json* events = member(j, path, "events");
    if (!events) return false;
    std::string ev_path = join(path, "events");
    if (!events->is_array()) return fail(ev_path, std::string("expected array, got ") + type_name(*events));
    s.events.clear();
    for (std::size_t i = 0; i < events->size(); ++i) {
      EventRecord e;
      if (!event((*events)[i], ev_path + "[" + std::to_string(i) + "]", e)) return false;
      s.events.push_back(std::move(e));
    }
    const json* fo = member(j, path, "fan_out");
    if (!fo) return false;
    if (fo->is_null()) {
      s.fan_out.reset();
    } else {
      FanOutRecord f;
      if (!fan_out(*fo, join(path, "fan_out"), f)) return false;
      s.fan_out = std::move(f);
    }
    return true;
  }

  bool run(const json& j, const std::string& path, RunNode& r, int nesting) {
    if (nesting > kMaxRunNesting) return fail(path, "child runs nested too deeply");
    if (!object(j, path)) return false;
    int64_t depth = 0;
    if (!(string(j, path, "run_id", r.run_id) && opt_string(j, path, "parent_run_id", r.parent_run_id) &&
          opt_string(j, path, "parent_step", r.parent_step) && opt_string(j, path, "key", r.key) &&
          string(j, path, "repository", r.repository) && string(j, path, "path", r.path) &&
          string(j, path, "workflow", r.workflow) && enumeration(j, path, "status", kRunStatus, r.status) &&
          integer(j, path, "depth", 0, 1000000, depth) &&
          enumeration(j, path, "isolation", kIsolation, r.isolation) &&
          string(j, path, "workspace", r.workspace) && opt_string(j, path, "worktree", r.worktree) &&
          json_object(j, path, "inputs", r.inputs) && string_map(j, path, "cli_inputs", r.cli_inputs) &&
          opt_time(j, path, "start_time", r.start_time) && opt_time(j, path, "end_time", r.end_time) &&
          opt_integer(j, path, "duration_ms", r.duration_ms) && opt_string(j, path, "error", r.error) &&
          opt_string(j, path, "current_step", r.current_step))) {
      return false;
    }
    r.depth = static_cast<int>(depth);
    // Optional (dev-choice extension).
    if (j.contains("waiting_for")) {
      if (!opt_string(j, path, "waiting_for", r.waiting_for)) return false;
    } else {
      r.waiting_for.reset();
    }
    const json* ev = member(j, path, "event");
    if (!ev) return false;
    if (ev->is_null()) {
      r.event.reset();
    } else {
      EventRecord e;
      if (!event(*ev, join(path, "event"), e)) return false;
      r.event = std::move(e);
    }
    const json* steps = member(j, path, "steps");
    if (!steps) return false;
    std::string st_path = join(path, "steps");
    if (!steps->is_array()) return fail(st_path, std::string("expected array, got ") + type_name(*steps));
    r.steps.clear();
    for (std::size_t i = 0; i < steps->size(); ++i) {
      StepNode s;
      if (!step((*steps)[i], st_path + "[" + std::to_string(i) + "]", s)) return false;
      r.steps.push_back(std::move(s));
    }
    const json* children = member(j, path, "children");
    if (!children) return false;
    std::string ch_path = join(path, "children");
    if (!children->is_array()) return fail(ch_path, std::string("expected array, got ") + type_name(*children));
    r.children.clear();
    for (std::size_t i = 0; i < children->size(); ++i) {
      r.children.emplace_back();
      if (!run((*children)[i], ch_path + "[" + std::to_string(i) + "]", r.children.back(), nesting + 1)) {
        return false;
      }
    }
    return true;
  }

  bool document(const json& j, StateDocument& d) {
    if (!object(j, "")) return false;
    int64_t version = 0;
    if (!integer(j, "", "format_version", std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
                 version)) {
      return false;
    }
    if (version != kFormatVersion) {
      return fail("format_version", "unsupported format version " + std::to_string(version));
    }
    d.format_version = kFormatVersion;
    const json* root = member(j, "", "root");
    return string(j, "", "tako_version", d.tako_version) && time(j, "", "updated_at", d.updated_at) &&
           integer(j, "", "pid", 0, std::numeric_limits<int64_t>::max(), d.pid) &&
           string(j, "", "hostname", d.hostname) && root && run(*root, "root", d.root, 0);
  }

 private:
  std::string error_;
};

}  // namespace

Result<StateDocument> document_from_json(const json& j) {
  try {
    Reader rd;
    StateDocument d;
    if (!rd.document(j, d)) return Error{rd.error()};
    return d;
  } catch (const std::exception& e) {  // defensive: nothing above is expected to throw but bad_alloc
    return Error{std::string("invalid document: ") + e.what()};
  }
}

Result<RunNode> run_from_json(const json& j) {
  try {
    Reader rd;
    RunNode r;
    if (!rd.run(j, "run", r, 0)) return Error{rd.error()};
    return r;
  } catch (const std::exception& e) {
    return Error{std::string("invalid run: ") + e.what()};
  }
}

Result<EventRecord> event_from_json(const json& j) {
  try {
    Reader rd;
    EventRecord e;
    if (!rd.event(j, "event", e)) return Error{rd.error()};
    return e;
  } catch (const std::exception& e) {
    return Error{std::string("invalid event: ") + e.what()};
  }
}

// ---- tree helpers ---------------------------------------------------------------------------

namespace {

template <class Run>
Run* find_run_impl(Run& node, std::string_view id) {
  if (node.run_id == id) return &node;
  for (auto& c : node.children) {
    if (Run* found = find_run_impl(c, id)) return found;
  }
  return nullptr;
}

template <class Run>
Run* find_parent_impl(Run& node, std::string_view id) {
  for (auto& c : node.children) {
    if (c.run_id == id) return &node;
    if (Run* found = find_parent_impl(c, id)) return found;
  }
  return nullptr;
}

template <class Run, class Fn>
void walk(Run& node, Run* parent, const Fn& fn) {
  fn(node, parent);
  for (auto& c : node.children) walk(c, &node, fn);
}

}  // namespace

RunNode* find_run(RunNode& root, std::string_view id) { return find_run_impl(root, id); }
const RunNode* find_run(const RunNode& root, std::string_view id) { return find_run_impl(root, id); }
RunNode* find_parent(RunNode& root, std::string_view id) { return find_parent_impl(root, id); }
const RunNode* find_parent(const RunNode& root, std::string_view id) { return find_parent_impl(root, id); }

StepNode* find_step(RunNode& run, std::string_view id) {
  for (auto& s : run.steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const StepNode* find_step(const RunNode& run, std::string_view id) {
  for (const auto& s : run.steps) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

void for_each_run(RunNode& root, const std::function<void(RunNode&, RunNode*)>& fn) {
  walk<RunNode>(root, nullptr, fn);
}

void for_each_run(const RunNode& root, const std::function<void(const RunNode&, const RunNode*)>& fn) {
  walk<const RunNode>(root, nullptr, fn);
}

std::size_t count_runs(const RunNode& root) {
  std::size_t n = 1;
  for (const auto& c : root.children) n += count_runs(c);
  return n;
}

namespace {
std::optional<std::chrono::nanoseconds> elapsed(const OptTime& start, const OptTime& end,
                                                const std::optional<int64_t>& ms) {
  if (start && end && *end >= *start) {
    int64_t diff = 0;
    if (!__builtin_sub_overflow(end->time_since_epoch().count(), start->time_since_epoch().count(), &diff)) {
      return std::chrono::nanoseconds(diff);
    }
  }
  if (ms && *ms >= 0 && *ms <= std::numeric_limits<int64_t>::max() / 1000000) {
    return std::chrono::milliseconds(*ms);
  }
  return std::nullopt;
}
}  // namespace

std::optional<std::chrono::nanoseconds> run_duration(const RunNode& r) {
  return elapsed(r.start_time, r.end_time, r.duration_ms);
}

std::optional<std::chrono::nanoseconds> step_duration(const StepNode& s) {
  return elapsed(s.start_time, s.end_time, s.duration_ms);
}

}  // namespace tako::state
