// The JSON Schema (draft 2020-12) of tako.yml printed by `tako schema` (REFERENCE.md §1.13), for
// editors through yaml-language-server. It mirrors the loader's rules (src/tako/config/reader_*.cpp,
// builtin_steps.cpp, name_rules.cpp): kinds, name patterns, enumerations, required keys and the
// `with` parameters of every built-in. What the schema cannot express (template and CEL parsing,
// cross-references between steps, inputs and workflows) is left to `tako validate`. Keys the
// loader does not know are refused (`additionalProperties: false`): validate warns about them.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace tako::cli {

nlohmann::ordered_json config_schema();

// Every built-in `uses` value and its `with` parameter names, in the schema's order
// (tests check them against the loader's own list).
struct BuiltinParams {
  std::string uses;
  std::vector<std::string> params;
  std::vector<std::string> required;
};
std::vector<BuiltinParams> schema_builtins();

}  // namespace tako::cli
