// `tako exec --resume <id> --failed-only` (REFERENCE.md §11.4): re-runs only the
// failure origins of a tree, then settles fan-out steps and runs bottom-up.
#pragma once

#include <string>
#include <vector>

#include "tako/engine/tree.h"

namespace tako::engine {

struct FailedOnlyResult {
  bool all_origins_completed = true;
  std::string first_error;               // of an origin that failed again
  std::vector<std::string> not_resumed;  // "<repo>:<workflow>" of runs left with unexecuted steps
};

FailedOnlyResult resume_failed_only(Tree& tree);

}  // namespace tako::engine
