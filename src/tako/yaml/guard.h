// Resource limits over a built tree, after alias expansion. Internal to tako_yaml.
#pragma once

#include <optional>
#include <string>

#include "tako/yaml/document.h"
#include "tako/yaml/parser.h"

namespace tako::yaml::detail {

// Walks the expanded tree once, bounded by the limits, and returns the first
// violation as "<line>:<col>: <message>" (see parser.h for the messages).
std::optional<std::string> check_limits(const Node& root, const ParseOptions& options);

}  // namespace tako::yaml::detail
