#include "tako/config/injection_check.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

#include "tako/tmpl/printed_refs.h"
#include "tako/tmpl/template.h"

namespace tako::config {

namespace {

using Chain = std::vector<std::string>;

// `.Inputs` answers like `.inputs` (§7.9).
std::string root_name(const std::string& s) {
  std::string r = s;
  if (!r.empty()) r[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(r[0])));
  return r;
}

std::string written(const Chain& c) {
  std::string s;
  for (const auto& p : c) s += "." + p;
  return s;
}

// A name for the suggested environment variable: the chain's last part, upper-cased.
std::string env_name(const Chain& c) {
  std::string n;
  for (char ch : c.back()) {
    n += std::isalnum(static_cast<unsigned char>(ch)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(ch)))
                                                      : '_';
  }
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) n = "V_" + n;
  return n;
}

std::vector<tmpl::FieldRef> refs_of(const std::string& text) {
  if (text.find("{{") == std::string::npos) return {};
  auto t = tmpl::parse(text, "injection");
  if (!t) return {};  // a parse error is reported by the schema checks
  return tmpl::field_references(**t);
}

std::vector<tmpl::PrintedRef> printed_of(const std::string& text) {
  if (text.find("{{") == std::string::npos) return {};
  auto t = tmpl::parse(text, "injection");
  if (!t) return {};
  return tmpl::printed_references(**t);
}

class WorkflowTaint {
 public:
  WorkflowTaint(const Config& cfg, const Workflow& wf) {
    for (const auto& sub : cfg.subscriptions) {
      if (sub.workflow != wf.name) continue;
      for (const auto& mapping : sub.inputs) {
        const std::string& name = mapping.first;  // a named variable: clang 14 cannot capture a structured binding
        if (mapping.second.find("{{") == std::string::npos) continue;  // a constant
        auto in = std::find_if(wf.inputs.begin(), wf.inputs.end(), [&](const Input& i) { return i.name == name; });
        if (in == wf.inputs.end() || in->type != "string" || !in->enum_values.empty()) continue;
        inputs_.emplace(name, "filled from an event by subscription " + std::to_string(sub.index));
      }
    }
    for (const auto& [k, v] : wf.env) {
      if (auto why = tainted_any(refs_of(v))) env_.emplace(k, "workflow env " + k + " is derived from " + *why);
    }
    for (const auto& s : wf.steps) add_step(s);
  }

  // Why `chain` is tainted, if it is.
  std::optional<std::string> why(const Chain& c) const {
    if (c.empty()) return std::nullopt;
    const std::string root = root_name(c[0]);
    if (root == "event") return std::string("event data");
    const std::map<std::string, std::string>* m = root == "inputs" ? &inputs_
                                                 : root == "env"  ? &env_
                                                 : root == "steps" ? &steps_
                                                                   : nullptr;
    if (m == nullptr || m->empty()) return std::nullopt;
    if (c.size() == 1) return m->begin()->second;
    auto it = m->find(c[1]);
    if (it == m->end()) return std::nullopt;
    return it->second;
  }

  std::optional<std::string> tainted_any(const std::vector<tmpl::FieldRef>& refs) const {
    for (const auto& r : refs) {
      if (auto w = why(r.path)) return written(r.path) + " (" + *w + ")";
    }
    return std::nullopt;
  }

 private:
  void collect_with(const nlohmann::json& v, std::vector<tmpl::FieldRef>& out) const {
    if (v.is_string()) {
      auto r = refs_of(v.get<std::string>());
      out.insert(out.end(), r.begin(), r.end());
    } else if (v.is_array() || v.is_object()) {
      for (const auto& e : v) collect_with(e, out);
    }
  }

  // A step's outputs are tainted when anything it is given is.
  void add_step(const Step& s) {
    std::vector<tmpl::FieldRef> refs;
    auto add = [&](const std::string& text) {
      auto r = refs_of(text);
      refs.insert(refs.end(), r.begin(), r.end());
    };
    if (s.run) add(*s.run);
    for (const auto& [k, v] : s.env) add(v);
    collect_with(s.with, refs);
    for (const auto& o : s.outputs) add(o.source);
    for (const auto& e : s.produces_events) {
      for (const auto& [k, v] : e.payload) collect_with(v, refs);
    }
    if (auto w = tainted_any(refs)) steps_.emplace(s.id, "output of step '" + s.id + "', derived from " + *w);
    for (const auto& h : s.on_failure) add_step(h);
  }

  std::map<std::string, std::string> inputs_, env_, steps_;  // name -> why
};

// One shell command template of a step: `run` (a shell or container step) or the `command` of
// `tako/poll@v1` (also `sh -c`).
void check_command(const std::string& text, const std::string& what, const Step& s, Pos pos,
                   const WorkflowTaint& taint, std::vector<InjectionWarning>& out) {
  std::set<std::string> seen;
  {
    for (const auto& r : printed_of(text)) {
      auto why = taint.why(r.path);
      if (!why) continue;
      const std::string ref = written(r.path);
      if (!seen.insert(ref).second) continue;
      const std::string var = env_name(r.path);
      const std::string how = r.quoted_inside_quotes
                                  ? ") with shell_quote inside quotes, where its quoting does not hold"
                                  : ") without shell_quote";
      out.push_back({pos, what + " of step '" + s.id +
                         "' interpolates {{ " + ref + " }} (" + *why + how +
                         ", so that data can run as shell code; pass it in an env var (env: {" + var + ": \"{{ " +
                         ref + " }}\"}, then \"$" + var + "\") or write {{ " + ref + " | shell_quote }}" +
                         (r.quoted_inside_quotes ? " outside quotes" : "")});
    }
  }
}

void check_step(const Workflow& wf, const Step& s, const WorkflowTaint& taint, std::vector<InjectionWarning>& out) {
  if (s.run) {
    const bool container = s.image.has_value() || wf.image.has_value();
    check_command(*s.run, container ? "container command" : "run", s, s.run_pos.line ? s.run_pos : s.pos, taint,
                  out);
  }
  if (s.uses && s.uses->rfind("tako/poll@", 0) == 0 && s.with.is_object() && s.with.contains("command") &&
      s.with["command"].is_string()) {
    check_command(s.with["command"].get<std::string>(), "poll command", s, s.with_pos.line ? s.with_pos : s.pos,
                  taint, out);
  }
  for (const auto& h : s.on_failure) check_step(wf, h, taint, out);
}

}  // namespace

std::vector<InjectionWarning> check_injection(const Config& config) {
  std::vector<InjectionWarning> out;
  for (const auto& wf : config.workflows) {
    WorkflowTaint taint(config, wf);
    for (const auto& s : wf.steps) check_step(wf, s, taint, out);
  }
  return out;
}

}  // namespace tako::config
