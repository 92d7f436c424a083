// The engine's one door to the template and CEL engines: rendering with
// tako's missing-key mode and evaluating `if:` conditions. Parsed templates
// and compiled programs are cached by text, so a step run by many fan-out
// children is parsed once.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tako/util/result.h"

namespace tako::engine {

// Renders `text` (template name `label`, e.g. "release.build.run") over `data`
// in mode `empty` (REFERENCE.md §8.3). The error is the template error text.
Result<std::string> render_template(const std::string& text, const std::string& label, const nlohmann::json& data);

// Renders every string leaf of `value` (maps and lists recursively); other
// scalars keep their type.
Result<nlohmann::json> render_leaves(const nlohmann::json& value, const std::string& label,
                                     const nlohmann::json& data);

// Evaluates a step's `if:` over `activation` (inputs, steps, env, event, run).
// Errors: "if: CEL evaluation error: <detail>" (compile errors likewise
// "if: CEL compilation error: ..."), and for a non-bool result
// "if condition of step '<id>' must evaluate to a boolean, got <type>".
Result<bool> evaluate_if(const std::string& expr, const std::string& step_id, const nlohmann::json& activation);

// Adds the capitalised aliases of §7.9 (`.Inputs`, `.Steps`, `.Env`, `.Event`
// with Type/Source/Payload/Timestamp/Version/ID/Artifact, `.Run`) to template data.
void add_template_aliases(nlohmann::json& data);

}  // namespace tako::engine
