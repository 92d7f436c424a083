#include "tako/config/builtin_steps.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "tako/config/name_rules.h"
#include "tako/deps/detect.h"

namespace tako::config {
namespace {

using nlohmann::json;

struct BuiltinInfo {
  std::string_view name;
  Builtin builtin;
  std::vector<std::string_view> params;
};

const std::vector<BuiltinInfo>& builtins() {
  static const std::vector<BuiltinInfo> kAll = {
      {"tako/checkout", Builtin::Checkout, {"ref", "fetch"}},
      {"tako/fan-out",
       Builtin::FanOut,
       {"event_type", "payload", "schema_version", "artifact", "wait_for_children", "timeout",
        "concurrency_limit", "isolation", "fail_fast"}},
      {"tako/update-dependency",
       Builtin::UpdateDependency,
       {"name", "version", "ecosystem", "path", "update_lock_files", "npm_registry"}},
      {"tako/create-pull-request",
       Builtin::CreatePullRequest,
       {"title", "body", "base", "head", "commit_message", "draft"}},
      {"tako/poll",
       Builtin::Poll,
       {"target", "step_id", "command", "interval", "timeout", "success_on_exit_code"}},
  };
  return kAll;
}

const BuiltinInfo& info(Builtin b) {
  for (const auto& i : builtins()) {
    if (i.builtin == b) return i;
  }
  return builtins().front();
}

class Checker {
 public:
  Checker(const json& with, bool load_time) : load_time_(load_time) {
    if (with.is_object()) with_ = &with;
  }

  const json* get(const std::string& key) const {
    if (with_ == nullptr) return nullptr;
    auto it = with_->find(key);
    if (it == with_->end() || it->is_null()) return nullptr;
    return &*it;
  }
  // A load-time template whose value is unknown.
  bool templated(const json& v) const {
    return load_time_ && v.is_string() && v.get_ref<const std::string&>().find("{{") != std::string::npos;
  }
  void error(const std::string& key, std::string message) { problems.push_back({key, std::move(message), false}); }

  // Required parameter that may be any scalar; missing, null or "" -> `missing`.
  void required_scalar(const std::string& key, const std::string& missing) {
    const json* v = get(key);
    if (v == nullptr || (v->is_string() && v->get_ref<const std::string&>().empty())) {
      error(key, missing);
    } else if (v->is_object() || v->is_array()) {
      error(key, key + " must be a string");
    }
  }
  void optional_scalar(const std::string& key) {
    const json* v = get(key);
    if (v != nullptr && (v->is_object() || v->is_array())) error(key, key + " must be a string");
  }
  void optional_string(const std::string& key) {
    const json* v = get(key);
    if (v != nullptr && !v->is_string()) error(key, key + " must be a string");
  }
  void boolean(const std::string& key) {
    const json* v = get(key);
    if (v != nullptr && !v->is_boolean() && !templated(*v)) error(key, key + " must be a boolean");
  }
  void integer(const std::string& key, bool non_negative) {
    const json* v = get(key);
    if (v == nullptr || templated(*v)) return;
    auto n = as_integer(*v);
    if (!n) {
      error(key, key + " must be an integer");
    } else if (non_negative && *n < 0) {
      error(key, key + " must be >= 0");
    }
  }
  void duration(const std::string& key) {
    const json* v = get(key);
    if (v == nullptr || templated(*v)) return;
    if (!v->is_string()) {
      error(key, key + " must be a string");
      return;
    }
    auto d = util::parse_go_duration(v->get_ref<const std::string&>());
    if (!d) {
      error(key, d.error().message);
    } else if (d->count() <= 0) {
      error(key, key + " must be positive");
    }
  }
  void unknown(const BuiltinInfo& bi, std::string_view uses) {
    if (with_ == nullptr) return;
    for (const auto& [k, v] : with_->items()) {  // nlohmann objects iterate in sorted key order
      if (std::find(bi.params.begin(), bi.params.end(), k) == bi.params.end()) {
        problems.push_back({k, "unknown parameter '" + k + "' for " + std::string(uses), true});
      }
    }
  }

  static std::optional<int64_t> as_integer(const json& v) {
    if (v.is_number_integer()) return v.get<int64_t>();
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (std::isfinite(d) && d == std::trunc(d) && std::fabs(d) < 9e18) return static_cast<int64_t>(d);
      return std::nullopt;
    }
    if (v.is_string()) {
      const std::string& s = v.get_ref<const std::string&>();
      size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
      if (i == s.size() || s.size() > 19) return std::nullopt;
      for (size_t j = i; j < s.size(); ++j) {
        if (s[j] < '0' || s[j] > '9') return std::nullopt;
      }
      int64_t n = 0;
      auto [ptr, ec] = std::from_chars(s.data() + (s[0] == '+' ? 1 : 0), s.data() + s.size(), n);
      if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
      return n;
    }
    return std::nullopt;
  }

  std::vector<ParamProblem> problems;

 private:
  const json* with_ = nullptr;
  bool load_time_;
};

void check_fan_out(Checker& c) {
  if (const json* v = c.get("event_type"); v == nullptr) {
    c.error("event_type", "event_type is required for fan-out step");
  } else if (!c.templated(*v)) {
    if (v->is_object() || v->is_array()) {
      c.error("event_type", "event_type must be a string");
    } else {
      std::string t = v->is_string() ? v->get<std::string>() : v->dump();
      if (t.empty()) {
        c.error("event_type", "event_type is required for fan-out step");
      } else if (!is_event_type(t)) {
        c.error("event_type", "event_type '" + t + "' " + snake_case_text());
      }
    }
  }
  if (const json* v = c.get("payload"); v != nullptr && !v->is_object() && !c.templated(*v)) {
    c.error("payload", "payload must be a map");
  }
  if (const json* v = c.get("schema_version"); v != nullptr && !c.templated(*v)) {
    if (!v->is_string()) {
      c.error("schema_version", "schema_version must be a string");
    } else if (!is_semver(v->get_ref<const std::string&>())) {
      c.error("schema_version", "schema_version '" + v->get<std::string>() +
                                    "' must follow semantic versioning format (x.y.z)");
    }
  }
  if (const json* v = c.get("artifact"); v != nullptr && !v->is_string()) {
    c.error("artifact", "artifact must be a string");
  }
  c.boolean("wait_for_children");
  c.duration("timeout");
  c.integer("concurrency_limit", true);
  if (const json* v = c.get("isolation"); v != nullptr && !c.templated(*v)) {
    if (!v->is_string() || (*v != "shared" && *v != "worktree")) {
      c.error("isolation", "isolation must be one of: shared, worktree");
    }
  }
  c.boolean("fail_fast");
}

void check_poll(Checker& c) {
  const json* target = c.get("target");
  std::string t;
  if (target != nullptr && target->is_string()) t = target->get<std::string>();
  if (target == nullptr || !c.templated(*target)) {
    if (t != "step" && t != "command") {
      c.error("target", "poll target must be 'step' or 'command'");
    } else if (t == "step") {
      const json* id = c.get("step_id");
      if (id == nullptr || (id->is_string() && id->get_ref<const std::string&>().empty())) {
        c.error("step_id", "poll target 'step' requires step_id");
      }
    } else {
      const json* cmd = c.get("command");
      if (cmd == nullptr || (cmd->is_string() && cmd->get_ref<const std::string&>().empty())) {
        c.error("command", "poll target 'command' requires command");
      }
    }
  }
  c.optional_scalar("step_id");
  c.optional_scalar("command");
  c.duration("interval");
  c.duration("timeout");
  c.integer("success_on_exit_code", false);
}

void check_create_pull_request(Checker& c, const std::string& uses) {
  c.required_scalar("title", "title is required for " + uses);
  for (const char* k : {"body", "base", "head", "commit_message"}) c.optional_scalar(k);
  // A literal branch name git would refuse is refused before the run starts; an empty one
  // takes the default (REFERENCE.md §13.4).
  for (const char* k : {"base", "head"}) {
    const json* v = c.get(k);
    if (v == nullptr || v->is_object() || v->is_array() || c.templated(*v)) continue;
    std::string name = v->is_string() ? v->get<std::string>() : v->dump();
    if (!name.empty() && !is_valid_branch_name(name)) {
      c.error(k, std::string(k) + " '" + name + "' is not a valid branch name");
    }
  }
  // A pull request from a branch into itself does not exist, and the push would go straight to the base.
  const json* head = c.get("head");
  const json* base = c.get("base");
  auto literal = [&](const json* v, const std::string& fallback) -> std::optional<std::string> {
    if (v == nullptr) return fallback;
    if (v->is_object() || v->is_array() || c.templated(*v)) return std::nullopt;
    std::string text = v->is_string() ? v->get<std::string>() : v->dump();
    return text.empty() ? fallback : text;
  };
  auto head_name = literal(head, "");
  auto base_name = literal(base, "main");
  if (head_name && base_name && *head_name == *base_name) {
    c.error("head", same_branch_message(*head_name));
  }
  c.boolean("draft");
}

// A version is written into the file as it is: only characters that need no quoting in any
// of the five formats (and that versions use) are accepted.
bool version_text_ok(std::string_view v) {
  if (v.empty()) return false;
  for (char ch : v) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '.' ||
              ch == '-' || ch == '+' || ch == '_' || ch == '!';
    if (!ok) return false;
  }
  return true;
}

bool bool_or_text(const json& v) {
  return v.is_boolean() || (v.is_string() && (v == "true" || v == "false"));
}

void check_update_dependency(Checker& c, const std::string& u) {
  c.required_scalar("name", "name is required for " + u);
  c.required_scalar("version", "version is required for " + u);
  if (const json* v = c.get("version"); v != nullptr && !c.templated(*v)) {
    if (v->is_number_float()) {
      c.error("version", "version must be a string: quote it (YAML reads 1.10 as the number 1.1)");
    } else if (v->is_string() || v->is_number_integer()) {
      std::string t = v->is_string() ? v->get<std::string>() : v->dump();
      if (!t.empty() && !version_text_ok(t)) {
        c.error("version", "version '" + t + "' is not a valid version (letters, digits, '.', '-', '+', '_', '!')");
      }
    } else if (v->is_boolean()) {
      c.error("version", "version must be a string");
    }
  }
  bool ecosystem_given = false;
  bool ecosystem_known = true;  // false while a load-time template hides it
  if (const json* v = c.get("ecosystem"); v != nullptr) {
    if (c.templated(*v)) {
      ecosystem_known = false;
    } else if (!v->is_string() || (!v->get_ref<const std::string&>().empty() &&
                                   !deps::parse_ecosystem(v->get_ref<const std::string&>()))) {
      c.error("ecosystem", "ecosystem must be one of: go, npm, maven, cargo, pip");
      ecosystem_known = false;
    } else {
      ecosystem_given = !v->get_ref<const std::string&>().empty();
    }
  }
  if (const json* v = c.get("path"); v != nullptr && !c.templated(*v)) {
    if (!v->is_string()) {
      c.error("path", "path must be a string");
    } else if (const std::string& p = v->get_ref<const std::string&>(); !p.empty()) {
      if (deps::path_escapes(p)) {
        c.error("path", "path '" + p + "' escapes the repository");
      } else if (ecosystem_known && !ecosystem_given && !deps::ecosystem_of_path(p)) {
        c.error("path", "cannot tell the ecosystem of '" + p + "': set ecosystem (go, npm, maven, cargo, pip)");
      }
    }
  }
  if (const json* v = c.get("update_lock_files"); v != nullptr && !c.templated(*v) && !bool_or_text(*v)) {
    c.error("update_lock_files", "update_lock_files must be a boolean");
  }
  c.optional_scalar("npm_registry");
}

}  // namespace

std::string same_branch_message(const std::string& branch) {
  return "head and base must be different branches (both are '" + branch + "')";
}

bool is_valid_branch_name(std::string_view name) {
  if (name.empty() || name == "@" || name == "HEAD" || name.front() == '-' || name.front() == '/' ||
      name.back() == '/' || name.back() == '.') {
    return false;
  }
  if (name.find("..") != std::string_view::npos || name.find("@{") != std::string_view::npos ||
      name.find("//") != std::string_view::npos) {
    return false;
  }
  for (char ch : name) {
    auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 || u == 0x7f) return false;
    if (std::string_view(" ~^:?*[\\").find(ch) != std::string_view::npos) return false;
  }
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(start, end - start);
    if (part.empty() || part.front() == '.' || part.ends_with(".lock")) return false;
    start = end + 1;
  }
  return true;
}

Result<Builtin> parse_uses(std::string_view uses) {
  size_t at = uses.find('@');
  if (at == std::string_view::npos) {
    return Error{"built-in step '" + std::string(uses) + "' must include version (e.g., 'tako/checkout@v1')"};
  }
  std::string name(uses.substr(0, at));
  std::string version(uses.substr(at + 1));
  for (const auto& bi : builtins()) {
    if (bi.name == name) {
      if (version != "v1") {
        return Error{"built-in step '" + name + "' version '" + version +
                     "' is not supported. Supported versions: [v1]"};
      }
      return bi.builtin;
    }
  }
  return Error{"unknown built-in step '" + name + "'"};
}

std::vector<ParamProblem> check_builtin_params(Builtin b, const json& with, std::string_view uses, bool load_time) {
  Checker c(with, load_time);
  const std::string u(uses);
  switch (b) {
    case Builtin::Checkout:
      c.required_scalar("ref", "ref is required for " + u);
      c.boolean("fetch");
      break;
    case Builtin::FanOut:
      check_fan_out(c);
      break;
    case Builtin::UpdateDependency:
      check_update_dependency(c, u);
      break;
    case Builtin::CreatePullRequest:
      check_create_pull_request(c, u);
      break;
    case Builtin::Poll:
      check_poll(c);
      break;
  }
  c.unknown(info(b), uses);
  return std::move(c.problems);
}

Result<FanOutParams> parse_fan_out_params(const json& with) {
  for (const auto& p : check_builtin_params(Builtin::FanOut, with, "tako/fan-out@v1", false)) {
    if (!p.warning) return Error{p.message};
  }
  Checker c(with, false);
  FanOutParams out;
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  out.event_type = str(*c.get("event_type"));
  if (const json* v = c.get("payload")) out.payload = *v;
  if (const json* v = c.get("schema_version")) out.schema_version = v->get<std::string>();
  if (const json* v = c.get("artifact")) out.artifact = v->get<std::string>();
  if (const json* v = c.get("wait_for_children")) out.wait_for_children = v->get<bool>();
  if (const json* v = c.get("timeout")) {
    out.timeout_text = v->get<std::string>();
    out.timeout = *util::parse_go_duration(*out.timeout_text);
  }
  if (const json* v = c.get("concurrency_limit")) out.concurrency_limit = *Checker::as_integer(*v);
  if (const json* v = c.get("isolation")) out.isolation = v->get<std::string>();
  if (const json* v = c.get("fail_fast")) out.fail_fast = v->get<bool>();
  return out;
}

Result<PollParams> parse_poll_params(const json& with) {
  for (const auto& p : check_builtin_params(Builtin::Poll, with, "tako/poll@v1", false)) {
    if (!p.warning) return Error{p.message};
  }
  Checker c(with, false);
  PollParams out;
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  out.target = c.get("target")->get<std::string>();
  if (const json* v = c.get("step_id")) out.step_id = str(*v);
  if (const json* v = c.get("command")) out.command = str(*v);
  if (const json* v = c.get("interval")) {
    out.interval_text = v->get<std::string>();
    out.interval = *util::parse_go_duration(out.interval_text);
  }
  if (const json* v = c.get("timeout")) {
    out.timeout_text = v->get<std::string>();
    out.timeout = *util::parse_go_duration(out.timeout_text);
  }
  if (const json* v = c.get("success_on_exit_code")) out.success_on_exit_code = *Checker::as_integer(*v);
  return out;
}

Result<CreatePullRequestParams> parse_create_pull_request_params(const json& with) {
  json w = with;
  if (w.is_object() && w.contains("draft") && w["draft"].is_string()) {
    const std::string& d = w["draft"].get_ref<const std::string&>();
    if (d == "true" || d == "false") w["draft"] = (d == "true");
  }
  for (const auto& p : check_builtin_params(Builtin::CreatePullRequest, w, "tako/create-pull-request@v1", false)) {
    if (!p.warning) return Error{p.message};
  }
  Checker c(w, false);
  CreatePullRequestParams out;
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  out.title = str(*c.get("title"));
  if (const json* v = c.get("body")) out.body = str(*v);
  if (const json* v = c.get("base"); v != nullptr && !str(*v).empty()) out.base = str(*v);
  if (const json* v = c.get("head")) out.head = str(*v);
  if (const json* v = c.get("commit_message")) out.commit_message = str(*v);
  if (const json* v = c.get("draft")) out.draft = v->get<bool>();
  return out;
}

Result<UpdateDependencyParams> parse_update_dependency_params(const json& with) {
  for (const auto& p :
       check_builtin_params(Builtin::UpdateDependency, with, "tako/update-dependency@v1", false)) {
    if (!p.warning) return Error{p.message};
  }
  Checker c(with, false);
  UpdateDependencyParams out;
  auto str = [](const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); };
  out.name = str(*c.get("name"));
  out.version = str(*c.get("version"));
  if (const json* v = c.get("ecosystem"); v != nullptr && !v->get_ref<const std::string&>().empty()) {
    out.ecosystem = v->get<std::string>();
  }
  if (const json* v = c.get("path"); v != nullptr && !v->get_ref<const std::string&>().empty()) {
    out.path = v->get<std::string>();
  }
  if (const json* v = c.get("update_lock_files")) out.update_lock_files = v->is_boolean() ? v->get<bool>() : *v == "true";
  if (const json* v = c.get("npm_registry")) out.npm_registry = str(*v);
  return out;
}

}  // namespace tako::config
