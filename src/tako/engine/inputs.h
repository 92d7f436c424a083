// Workflow inputs (REFERENCE.md §7.1 step 2): unknown names, required inputs,
// defaults, typing of boolean/number inputs, enum and min/max validation.
// Used for command-line inputs of `tako exec` and for fan-out input mapping.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/config/config.h"
#include "tako/util/result.h"

namespace tako::engine {

struct ResolvedInputs {
  nlohmann::json values = nlohmann::json::object();  // typed: string, bool, int64 or double
  std::map<std::string, std::string> texts;           // given text, or the default as written
};

// `given`: (name, text) pairs in command-line order; a later value wins.
Result<ResolvedInputs> resolve_inputs(const config::Workflow& workflow,
                                      const std::vector<std::pair<std::string, std::string>>& given);

// Converts one input text by its declared type (no enum/min/max checks).
Result<nlohmann::json> convert_input(const config::Input& input, const std::string& text);

// "TAKO_INPUT_<NAME>": NAME uppercased, every character outside [A-Z0-9_] -> '_'.
std::string input_env_name(const std::string& input);

}  // namespace tako::engine
