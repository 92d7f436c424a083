// Resource guard for parsed YAML trees, shared by the config loader and data
// documents (`tako eval --data`, `tako render --data`).
//
// yaml-cpp expands aliases by reference, so a small text can describe a huge
// tree (alias bombs) or a cyclic one (`a: &a [*a]`); every recursive walk over
// such a tree (conversion to JSON, validation) would run forever or overflow
// the stack. check_yaml_tree() walks the expanded tree once, bounded by the
// limits below, and reports the first violation; after it succeeds, any
// recursive walk is bounded by max_depth levels and max_nodes nodes.
#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

namespace tako::util {

struct YamlLimits {
  int max_depth = 256;         // nesting levels below the root, after alias expansion
  long max_nodes = 1'000'000;  // nodes (keys, values, items) after alias expansion
  bool unique_keys = false;    // report duplicate scalar mapping keys (libyaml/yaml.v3 behaviour)
};

struct YamlGuardError {
  YAML::Mark mark;      // where the problem was found (0-based; may be null_mark)
  std::string message;  // without position
};

// Messages:
//   "document nesting exceeds <max_depth> levels (or an alias refers to itself)"
//   "document too large: more than <max_nodes> nodes after alias expansion"
//   "mapping key \"<k>\" already defined at line <n>"     (unique_keys only)
std::optional<YamlGuardError> check_yaml_tree(const YAML::Node& root, const YamlLimits& limits = {});

}  // namespace tako::util
