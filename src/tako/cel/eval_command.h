// `tako eval` (REFERENCE.md §1.10, §9.6): the command's behaviour, independent of
// argument parsing. The CLI fills an EvalRequest and prints the result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/util/result.h"

namespace tako::cel {

struct EvalRequest {
  std::string expression;
  std::optional<std::string> data_file;  // path, or "-" for stdin
  std::vector<std::string> vars;         // each "NAME=<cel expression>", in flag order
  std::string container;                 // CEL container for name resolution ("" = none)
  bool json = false;                     // typed JSON output instead of CEL literal syntax
};

// Success: the exact stdout text (result plus "\n"). Failure: the message that
// follows "Error: " (e.g. "CEL compilation error: ...").
Result<std::string> run_eval(const EvalRequest& request);

}  // namespace tako::cel
