// STOPGAP structural template check (SPEC §4.7) used until the real template
// parser (module tako_tmpl) is plugged into check_template() in
// expr_check.cpp. It only
//   * checks that every action `{{ … }}` / comment `{{/* … */}}` is closed,
//     that quoted strings inside actions end, and that no action is empty;
//   * scans root field chains `.inputs.x`, `.Inputs.x`, `.steps.id`,
//     `.Steps.id`, `.env.S`, `.Env.S` (also `$.…` and `index .inputs "x"`),
//     ignoring chains inside string literals and, inside range/with/define/
//     block bodies (where dot is rebound), every chain not starting at `$`.
// The real parser's field chains replace the scan; its false positives are
// limited to exotic constructs (e.g. a variable named like a root).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tako::config {

struct TemplateFieldRef {
  std::string root;  // "inputs", "steps" or "env" (lowercased)
  std::string name;  // the key selected below the root
};

struct TemplateScan {
  // Go-style parse error "template: <label>:<line>: <detail>", if any.
  std::optional<std::string> parse_error;
  std::vector<TemplateFieldRef> refs;  // in order of appearance, duplicates removed
};

TemplateScan scan_template(std::string_view text, std::string_view label);

}  // namespace tako::config
