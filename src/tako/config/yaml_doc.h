// Safe YAML access for the loader: parsing with load-error texts (SPEC §4.1),
// resource guards, node positions and typed conversion. Internal to tako_config.
#pragma once

#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tako/config/config.h"
#include "tako/util/result.h"

namespace tako::config::detail {

// Limits that keep every later recursive walk bounded (aliases are expanded
// by reference in yaml-cpp, so a small file can describe a huge or even a
// cyclic tree); enforced by util::check_yaml_tree (tako/util/yaml_guard.h).
inline constexpr int kMaxDepth = 256;
inline constexpr long kMaxNodes = 1'000'000;

// Parses the first YAML document of `text`. Errors are the whole load error:
//   "could not unmarshal config: <path>:<line>:<col>: <parser message>".
// Also rejected that way: duplicate mapping keys, content that yaml-cpp would
// silently split into a second document without `---`, nesting deeper than
// kMaxDepth (including cyclic aliases) and more than kMaxNodes nodes.
Result<YAML::Node> parse_yaml(const std::string& text, const std::string& path);

// 1-based position of a node; {0,0} when unknown.
Pos pos_of(const YAML::Node& node);

// "mapping", "sequence", "scalar" or "null".
const char* kind_name(const YAML::Node& node);

// YAML core-schema conversion (SPEC §8.2) like util::yaml_to_json, except
// that plain scalars over 1024 bytes stay strings (a 2000-digit number in
// `with` is kept as written rather than becoming +inf), and non-scalar keys
// are skipped. Only for trees that passed parse_yaml's guard.
nlohmann::json to_json(const YAML::Node& node);

// The core-schema type of one scalar node (null for Null nodes).
nlohmann::json scalar_value(const YAML::Node& node);

}  // namespace tako::config::detail
