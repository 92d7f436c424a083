#include "tako/config/yaml_doc.h"

#include <exception>
#include <string_view>
#include <vector>

#include "tako/util/data_doc.h"
#include "tako/util/yaml_guard.h"

namespace tako::config::detail {
namespace {

std::string position(const YAML::Mark& m) {
  int line = m.line < 0 ? 1 : m.line + 1;
  int col = m.column < 0 ? 1 : m.column + 1;
  return std::to_string(line) + ":" + std::to_string(col);
}

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
    util::YamlLimits limits;
    limits.max_depth = kMaxDepth;
    limits.max_nodes = kMaxNodes;
    limits.unique_keys = true;
    if (auto err = util::check_yaml_tree(docs[0], limits)) {
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
