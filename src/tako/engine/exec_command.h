// `tako exec` (REFERENCE.md §1.6, §7, §11.4): header, configuration, inputs, locks,
// workspace and state of a new or resumed execution tree, the root run, and
// the report. Returns the process exit status (0, 1, 130, 143).
#pragma once

#include "tako/engine/exec_options.h"

namespace tako::engine {

int run_exec(const ExecOptions& options);

}  // namespace tako::engine
