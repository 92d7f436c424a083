#include "tako/util/yaml_guard.h"

#include <map>

namespace tako::util {
namespace {

class Guard {
 public:
  explicit Guard(const YamlLimits& limits) : limits_(limits) {}

  std::optional<YamlGuardError> run(const YAML::Node& root) {
    walk(root, 0);
    return error_;
  }

 private:
  // Recursion is bounded by limits_.max_depth: a deeper node stops the walk.
  void walk(const YAML::Node& node, int depth) {
    if (error_) return;
    if (++nodes_ > limits_.max_nodes) {
      error_ = YamlGuardError{node.Mark(), "document too large: more than " + std::to_string(limits_.max_nodes) +
                                               " nodes after alias expansion"};
      return;
    }
    if (depth > limits_.max_depth) {
      error_ = YamlGuardError{node.Mark(), "document nesting exceeds " + std::to_string(limits_.max_depth) +
                                               " levels (or an alias refers to itself)"};
      return;
    }
    if (node.IsSequence()) {
      for (const auto& child : node) {
        walk(child, depth + 1);
        if (error_) return;
      }
    } else if (node.IsMap()) {
      std::map<std::string, int> seen;  // key -> 1-based line
      for (const auto& kv : node) {
        if (limits_.unique_keys && kv.first.IsScalar()) {
          const std::string& k = kv.first.Scalar();
          auto [it, inserted] = seen.emplace(k, kv.first.Mark().line + 1);
          if (!inserted) {
            error_ = YamlGuardError{kv.first.Mark(), "mapping key \"" + k + "\" already defined at line " +
                                                         std::to_string(it->second)};
            return;
          }
        }
        walk(kv.first, depth + 1);
        walk(kv.second, depth + 1);
        if (error_) return;
      }
    }
  }

  const YamlLimits& limits_;
  long nodes_ = 0;
  std::optional<YamlGuardError> error_;
};

}  // namespace

std::optional<YamlGuardError> check_yaml_tree(const YAML::Node& root, const YamlLimits& limits) {
  return Guard(limits).run(root);
}

}  // namespace tako::util
