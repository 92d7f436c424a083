#include "tako/config/expr_check.h"

#include <algorithm>

#include "tako/config/template_scan.h"

namespace tako::config {
namespace {

bool contains(std::span<const std::string> list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

std::vector<std::string> check_template(const TemplateSite& site) {
  // Stand-in until tako_tmpl's parser is wired here: a structural scan.
  std::vector<std::string> out;
  TemplateScan scan = scan_template(site.text, site.label);
  if (scan.parse_error) {
    out.push_back("template parse error: " + *scan.parse_error);
    return out;
  }
  if (site.kind == TemplateSite::Kind::SubscriptionInput) return out;
  for (const auto& ref : scan.refs) {
    if (ref.root == "inputs" && !contains(site.scope.declared_inputs, ref.name)) {
      out.push_back("template references undeclared input '" + ref.name + "'");
    } else if (ref.root == "steps" && !contains(site.scope.earlier_steps, ref.name)) {
      out.push_back("template references unknown step '" + ref.name + "'");
    } else if (ref.root == "env" && contains(site.scope.secrets, ref.name)) {
      out.push_back("secret '" + ref.name + "' must not be used in a template");
    }
  }
  return out;
}

std::vector<std::string> check_cel(const CelSite&) {
  // Stand-in until tako_cel's compiler/checker is wired here. Emptiness is
  // checked by the loader itself (`filter <k>: CEL expression cannot be empty`).
  return {};
}

}  // namespace tako::config
