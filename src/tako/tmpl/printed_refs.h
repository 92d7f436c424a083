// The field chains whose data a template prints into its output, for the template-injection
// check of `tako validate` (docs/TEMPLATES.md, "Passing event data to a shell").
//
// A chain is reported when an action's value is derived from it — through pipelines, function
// arguments, variables, `with` and `range` — unless the action's last command makes the value
// safe in a shell command: `shell_quote` (only outside '…' and "…" in the surrounding text, where
// its quotes hold), `url_encode`/`urlquery`, and functions returning numbers or booleans (`len`,
// `length`, `to_int`, `to_float`, `to_bool`, comparisons, `not`, `empty`, `contains`,
// `has_prefix`, `has_suffix`, `event_has_field`). Chains used only in conditions (`if`) or
// assigned and never printed are not reported. Only the main template is analysed;
// `{{template "x" <pipe>}}` counts as printing its argument.
#pragma once

#include <string>
#include <vector>

#include "tako/tmpl/template.h"

namespace tako::tmpl {

struct PrintedRef {
  std::vector<std::string> path;  // never empty
  int line = 0;                   // 1-based line of the first such action
  // Passed through shell_quote, but inside a '…' or "…" of the surrounding text, where the
  // quotes shell_quote adds are literal characters or close the string.
  bool quoted_inside_quotes = false;
};

// Each chain once (first occurrence), in text order.
std::vector<PrintedRef> printed_references(const Template& t);

}  // namespace tako::tmpl
