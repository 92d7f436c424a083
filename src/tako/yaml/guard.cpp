#include "tako/yaml/guard.h"

#include <algorithm>
#include <map>

namespace tako::yaml::detail {
namespace {

std::string where(const Node& n) {
  return std::to_string(std::max(n.line(), 1)) + ":" + std::to_string(std::max(n.column(), 1)) + ": ";
}

class Guard {
 public:
  explicit Guard(const ParseOptions& options) : opt_(options) {}

  std::optional<std::string> run(const Node& root) {
    walk(root, 0);
    return error_;
  }

 private:
  // Recursion is bounded by opt_.max_depth: a deeper node stops the walk.
  void walk(const Node& node, int depth) {
    if (error_) return;
    if (++nodes_ > opt_.max_nodes) {
      error_ = where(node) + "document too large: more than " + std::to_string(opt_.max_nodes) +
               " nodes after alias expansion";
      return;
    }
    if (depth > opt_.max_depth) {
      error_ = where(node) + "document nesting exceeds " + std::to_string(opt_.max_depth) +
               " levels (or an alias refers to itself)";
      return;
    }
    if (node.is_sequence()) {
      for (size_t i = 0; i < node.size() && !error_; ++i) walk(node.item(i), depth + 1);
    } else if (node.is_mapping()) {
      std::map<std::string, int> seen;  // key -> line
      for (size_t i = 0; i < node.size() && !error_; ++i) {
        const Node key = node.key(i);
        if (opt_.unique_keys && key.is_scalar()) {
          auto [it, inserted] = seen.emplace(key.scalar(), key.line());
          if (!inserted) {
            error_ = where(key) + "mapping key \"" + key.scalar() + "\" already defined at line " +
                     std::to_string(it->second);
            return;
          }
        }
        walk(key, depth + 1);
        walk(node.value(i), depth + 1);
      }
    }
  }

  const ParseOptions& opt_;
  long nodes_ = 0;
  std::optional<std::string> error_;
};

}  // namespace

std::optional<std::string> check_limits(const Node& root, const ParseOptions& options) {
  return Guard(options).run(root);
}

}  // namespace tako::yaml::detail
