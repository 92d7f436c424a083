// `tako render` (REFERENCE.md §1.11): the command's behaviour, independent of argument
// parsing. The CLI fills a RenderRequest and writes the result to stdout.
#pragma once

#include <optional>
#include <string>

#include "tako/util/result.h"

namespace tako::tmpl {

struct RenderRequest {
  std::string text;                      // the template, named "template"
  std::optional<std::string> data_file;  // path, or "-" for stdin; default: empty map
  std::string missingkey = "empty";      // empty|default|zero|error
};

// Success: the exact output (no newline added). Failure: the message that
// follows "Error: " (e.g. "template: template:1: ...").
Result<std::string> run_render(const RenderRequest& request);

}  // namespace tako::tmpl
