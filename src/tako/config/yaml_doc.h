// YAML access for the loader: parsing with load-error texts (REFERENCE.md §4.1),
// node positions and typed conversion. Internal to tako_config.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tako/config/config.h"
#include "tako/util/result.h"
#include "tako/yaml/document.h"

namespace tako::config::detail {

// Limits that keep every later recursive walk bounded (yaml::ParseOptions).
inline constexpr int kMaxDepth = 256;
inline constexpr long kMaxNodes = 1'000'000;

// Parses the first YAML document of `text` (a syntax error in a later one
// counts too). Errors are the whole load error:
//   "could not unmarshal config: <path>:<line>:<col>: <parser message>".
// Also rejected that way: duplicate mapping keys, NUL bytes in the text and
// NUL characters in scalars (a command would be cut at them), nesting deeper
// than kMaxDepth (including cyclic aliases) and more than kMaxNodes nodes.
Result<yaml::Document> parse_yaml(std::string_view text, const std::string& path);

// 1-based position of a node; {0,0} when unknown.
Pos pos_of(const yaml::Node& node);

// "mapping", "sequence", "scalar" or "null".
const char* kind_name(const yaml::Node& node);

// YAML core-schema conversion (REFERENCE.md §8.2) like util::yaml_to_json, except
// that plain scalars over 1024 bytes stay strings (a 2000-digit number in
// `with` is kept as written rather than becoming +inf), and non-scalar keys
// are skipped.
nlohmann::json to_json(const yaml::Node& node);

// The core-schema type of one scalar node (null for null nodes).
nlohmann::json scalar_value(const yaml::Node& node);

}  // namespace tako::config::detail
