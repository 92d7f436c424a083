// Rebuilding what a recorded run needs to execute again (REFERENCE.md §11.4): its
// configuration re-read from disk, workflow, recorded inputs and event.
#pragma once

#include "tako/engine/run_executor.h"
#include "tako/state/document.h"
#include "tako/util/result.h"

namespace tako::engine {

// The input text of a typed value (TAKO_INPUT_<NAME>): strings as is, bools
// true/false, numbers as printed by §8.2.
std::string input_text(const nlohmann::json& value);

// Template data of a subscription's input mapping (§10.6): `event`, `payload` and their aliases.
nlohmann::json mapping_data(const state::EventRecord& event);

// A RunSpec for `node` (same run id, workspace and checkout; a kept worktree is reused).
Result<RunSpec> spec_from_node(const state::RunNode& node);

}  // namespace tako::engine
