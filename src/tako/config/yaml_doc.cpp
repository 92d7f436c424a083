#include "tako/config/yaml_doc.h"

#include "tako/util/data_doc.h"
#include "tako/yaml/parser.h"

namespace tako::config::detail {

Result<yaml::Document> parse_yaml(std::string_view text, const std::string& path) {
  yaml::ParseOptions options;
  options.max_depth = kMaxDepth;
  options.max_nodes = kMaxNodes;
  options.unique_keys = true;
  options.allow_nul_in_scalars = false;
  auto doc = yaml::parse(text, options);
  if (!doc) return Error{"could not unmarshal config: " + path + ":" + doc.error().message};
  return doc;
}

Pos pos_of(const yaml::Node& node) { return node.line() > 0 ? Pos{node.line(), node.column()} : Pos{}; }

const char* kind_name(const yaml::Node& node) { return yaml::kind_name(node.kind()); }

nlohmann::json scalar_value(const yaml::Node& node) {
  if (!node.is_scalar()) return nullptr;
  const std::string& s = node.scalar();
  const std::string& tag = node.tag();
  bool typed = node.is_plain() || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
               tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
  if (!typed || s.size() > 1024) return s;
  return util::yaml_plain_scalar(s);
}

// Recursion is bounded: parse_yaml checked the depth and node limits.
nlohmann::json to_json(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Kind::Scalar:
      return scalar_value(node);
    case yaml::Kind::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node.items()) arr.push_back(to_json(item));
      return arr;
    }
    case yaml::Kind::Mapping: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, v] : node.pairs()) {
        if (k.is_scalar()) obj[k.scalar()] = to_json(v);
      }
      return obj;
    }
    default:
      return nullptr;
  }
}

}  // namespace tako::config::detail
