#include "tako/engine/expressions.h"

#include <mutex>
#include <unordered_map>

#include "tako/cel/cel.h"
#include "tako/fanout/event.h"
#include "tako/state/document.h"
#include "tako/tmpl/template.h"

namespace tako::engine {

namespace {

// Compiled `if:` programs by text; compiled once per process.
Result<cel::Program> compiled_if(const std::string& expr) {
  static std::mutex mu;
  static std::unordered_map<std::string, Result<cel::Program>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto it = cache.find(expr);
  if (it != cache.end()) return it->second;
  cel::Env env;
  env.declare("inputs").declare("steps").declare("env").declare("event").declare("run");
  auto program = cel::compile(expr, env);
  cache.emplace(expr, program);
  return program;
}

void alias(nlohmann::json& data, const char* from, const char* to) {
  if (data.contains(from) && !data.contains(to)) data[to] = data[from];
}

}  // namespace

Result<std::string> render_template(const std::string& text, const std::string& label, const nlohmann::json& data) {
  if (text.find("{{") == std::string::npos) return text;  // plain text: nothing to parse
  auto t = tmpl::default_cache().get(text, label);
  if (!t) return t.error();
  return tmpl::execute(**t, data, tmpl::MissingKey::Empty);
}

Result<nlohmann::json> render_leaves(const nlohmann::json& value, const std::string& label,
                                     const nlohmann::json& data) {
  if (value.is_string()) {
    auto r = render_template(value.get<std::string>(), label, data);
    if (!r) return r.error();
    return nlohmann::json(std::move(*r));
  }
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [k, v] : value.items()) {
      auto r = render_leaves(v, label, data);
      if (!r) return r.error();
      out[k] = std::move(*r);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : value) {
      auto r = render_leaves(v, label, data);
      if (!r) return r.error();
      out.push_back(std::move(*r));
    }
    return out;
  }
  return value;
}

Result<bool> evaluate_if(const std::string& expr, const std::string& step_id, const nlohmann::json& activation) {
  auto program = compiled_if(expr);
  if (!program) return Error{"if: " + program.error().message};
  cel::Activation act;
  for (const char* name : {"inputs", "steps", "env", "run"}) {
    act.set_json(name, activation.contains(name) ? activation[name] : nlohmann::json::object());
  }
  act.set("event", fanout::event_json_to_cel(activation.contains("event") ? activation["event"] : nlohmann::json::object()));
  auto value = program->eval(act);
  if (!value) return Error{"if: " + value.error().message};
  if (value->kind() != cel::Kind::Bool) {
    return Error{"if condition of step '" + step_id + "' must evaluate to a boolean, got " +
                 std::string(cel::type_name(value->type_of()))};
  }
  return value->as_bool();
}

void add_template_aliases(nlohmann::json& data) {
  alias(data, "inputs", "Inputs");
  alias(data, "steps", "Steps");
  alias(data, "env", "Env");
  alias(data, "run", "Run");
  alias(data, "payload", "Payload");
  if (data.contains("event") && data["event"].is_object() && !data.contains("Event")) {
    nlohmann::json ev = data["event"];
    static const std::pair<const char*, const char*> kKeys[] = {
        {"type", "Type"}, {"source", "Source"}, {"payload", "Payload"}, {"timestamp", "Timestamp"},
        {"schema_version", "Version"}, {"id", "ID"}, {"artifact", "Artifact"}};
    for (const auto& [from, to] : kKeys) {
      if (ev.contains(from)) ev[to] = ev[from];
    }
    data["event"] = ev;
    data["Event"] = ev;
  }
}

}  // namespace tako::engine
