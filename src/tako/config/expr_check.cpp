#include "tako/config/expr_check.h"

#include <algorithm>

#include "tako/cel/cel.h"
#include "tako/tmpl/template.h"

namespace tako::config {
namespace {

bool contains(std::span<const std::string> list, std::string_view s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

// Template roots answer to their lowercase name and to the name with a
// capitalised first letter (REFERENCE.md §7.9): "inputs" / "Inputs".
bool is_root(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size() || name.empty()) return false;
  if (name[0] != lower[0] && name[0] != lower[0] - 'a' + 'A') return false;
  return name.substr(1) == lower.substr(1);
}

void add_unique(std::vector<std::string>& out, std::string message) {
  if (std::find(out.begin(), out.end(), message) == out.end()) out.push_back(std::move(message));
}

// The §4.7 reference rules shared by templates and `if:`; `path` is a
// selection chain from the root (template) or from a variable (CEL).
void check_reference(const std::vector<std::string>& path, const ExprScope& scope, bool templ,
                     std::vector<std::string>& out) {
  if (path.size() < 2) return;
  const std::string& root = path[0];
  const std::string& name = path[1];
  bool inputs = templ ? is_root(root, "inputs") : root == "inputs";
  bool steps = templ ? is_root(root, "steps") : root == "steps";
  if (inputs && !contains(scope.declared_inputs, name)) {
    add_unique(out, "template references undeclared input '" + name + "'");
  } else if (steps && !contains(scope.earlier_steps, name)) {
    add_unique(out, "template references unknown step '" + name + "'");
  } else if (templ && is_root(root, "env") && contains(scope.secrets, name)) {
    add_unique(out, "secret '" + name + "' must not be used in a template");
  }
}

}  // namespace

std::vector<std::string> check_template(const TemplateSite& site) {
  std::vector<std::string> out;
  auto parsed = tmpl::parse(site.text, site.label);
  if (!parsed) {
    // The detail is the whole Go error, "template: <label>:<line>: <detail>":
    // the label names the workflow, step and field (see docs/CONFIG.md).
    out.push_back("template parse error: " + parsed.error().message);
    return out;
  }
  if (site.kind == TemplateSite::Kind::SubscriptionInput) return out;  // data {event, payload}: nothing to check
  for (const auto& ref : tmpl::field_references(**parsed)) check_reference(ref.path, site.scope, true, out);
  return out;
}

std::vector<std::string> check_cel(const CelSite& site) {
  cel::Env env;
  if (site.kind == CelSite::Kind::StepIf) {
    env.declare("inputs").declare("steps").declare("env").declare("event").declare("run");
  } else {
    env.declare("event")
        .declare("payload")
        .declare("event_type")
        .declare("source")
        .declare("schema_version")
        .declare("artifact");
  }
  auto program = cel::compile(site.expr, env);
  if (!program) return {program.error().message};  // "CEL compilation error: <detail>"
  std::vector<std::string> out;
  if (site.kind == CelSite::Kind::StepIf) {
    for (const auto& ref : program->references()) check_reference(ref.path, site.scope, false, out);
  }
  return out;
}

}  // namespace tako::config
