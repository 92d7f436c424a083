#include "tako/config/yaml_doc.h"

#include <exception>
#include <map>
#include <string_view>
#include <vector>

#include "tako/util/data_doc.h"

namespace tako::config::detail {
namespace {

std::string position(const YAML::Mark& m) {
  int line = m.line < 0 ? 1 : m.line + 1;
  int col = m.column < 0 ? 1 : m.column + 1;
  return std::to_string(line) + ":" + std::to_string(col);
}

struct GuardError {
  YAML::Mark mark;
  std::string message;
};

// Walks the expanded tree once, enforcing depth and size limits and unique keys.
class Guard {
 public:
  std::optional<GuardError> run(const YAML::Node& root) {
    walk(root, 0);
    return error_;
  }

 private:
  void walk(const YAML::Node& node, int depth) {
    if (error_) return;
    if (++nodes_ > kMaxNodes) {
      error_ = GuardError{node.Mark(), "document too large: more than " + std::to_string(kMaxNodes) +
                                           " nodes after alias expansion"};
      return;
    }
    if (depth > kMaxDepth) {
      error_ = GuardError{node.Mark(), "document nesting exceeds " + std::to_string(kMaxDepth) +
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
        if (kv.first.IsScalar()) {
          const std::string& k = kv.first.Scalar();
          auto [it, inserted] = seen.emplace(k, kv.first.Mark().line + 1);
          if (!inserted) {
            error_ = GuardError{kv.first.Mark(), "mapping key \"" + k + "\" already defined at line " +
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

  long nodes_ = 0;
  std::optional<GuardError> error_;
};

// True when a line in [from, to] (0-based, inclusive) starts a document
// explicitly ("---" or "..." at column 0).
bool explicit_marker_between(const std::string& text, int from, int to) {
  int line = 0;
  size_t start = 0;
  while (start <= text.size() && line <= to) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    if (line >= from) {
      std::string_view l(text.data() + start, end - start);
      if (l.rfind("---", 0) == 0 || l.rfind("...", 0) == 0) return true;
    }
    ++line;
    start = end + 1;
  }
  return false;
}

bool is_plain(const YAML::Node& node) { return node.Tag() == "?"; }

}  // namespace

Result<YAML::Node> parse_yaml(const std::string& text, const std::string& path) {
  const std::string prefix = "could not unmarshal config: " + path + ":";
  std::vector<YAML::Node> docs;
  try {
    docs = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    return Error{prefix + position(e.mark) + ": " + e.msg};
  } catch (const std::exception& e) {
    return Error{prefix + "1:1: " + e.what()};
  }
  if (docs.empty()) return YAML::Node(YAML::NodeType::Null);
  if (docs.size() > 1) {
    // yaml-cpp ends a document silently where libyaml reports an error
    // (e.g. a less indented key after an indented mapping): without an
    // explicit marker, the second "document" is a syntax error.
    int first_line = docs[0].Mark().line < 0 ? 0 : docs[0].Mark().line;
    int second_line = docs[1].Mark().line;
    if (second_line >= 0 && !explicit_marker_between(text, first_line + 1, second_line)) {
      return Error{prefix + position(docs[1].Mark()) + ": did not find expected <document start>"};
    }
  }
  try {
    if (auto err = Guard().run(docs[0])) {
      return Error{prefix + position(err->mark) + ": " + err->message};
    }
  } catch (const std::exception& e) {
    return Error{prefix + "1:1: " + e.what()};
  }
  return docs[0];
}

Pos pos_of(const YAML::Node& node) {
  const YAML::Mark m = node.Mark();
  if (m.line < 0 || m.column < 0) return {};
  return Pos{m.line + 1, m.column + 1};
}

const char* kind_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "mapping";
    case YAML::NodeType::Sequence: return "sequence";
    case YAML::NodeType::Scalar: return "scalar";
    default: return "null";
  }
}

nlohmann::json scalar_value(const YAML::Node& node) {
  if (!node.IsScalar()) return nullptr;
  const std::string& s = node.Scalar();
  const std::string& tag = node.Tag();
  bool typed = is_plain(node) || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
  if (!typed || s.size() > 1024) return s;
  return util::yaml_plain_scalar(s);
}

nlohmann::json to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar:
      return scalar_value(node);
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) {
        if (kv.first.IsScalar()) obj[kv.first.Scalar()] = to_json(kv.second);
      }
      return obj;
    }
    default:
      return nullptr;
  }
}

}  // namespace tako::config::detail
