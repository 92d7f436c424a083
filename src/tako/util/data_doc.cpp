#include "tako/util/data_doc.h"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "tako/util/fs.h"

namespace tako::util {

void normalize_numbers(nlohmann::json& value) {
  if (value.is_number_unsigned()) {
    uint64_t u = value.get<uint64_t>();
    if (u <= uint64_t(std::numeric_limits<int64_t>::max())) {
      value = static_cast<int64_t>(u);
    } else {
      value = static_cast<double>(u);
    }
  } else if (value.is_array() || value.is_object()) {
    for (auto& child : value) normalize_numbers(child);
  }
}

nlohmann::json yaml_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  static const std::regex kInt("[-+]?[0-9]+");
  static const std::regex kOct("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
  static const std::regex kInf("[-+]?\\.(inf|Inf|INF)");
  static const std::regex kNan("\\.(nan|NaN|NAN)");
  errno = 0;
  if (std::regex_match(s, kInt)) {
    char* end = nullptr;
    long long v = std::strtoll(s.c_str(), &end, 10);
    if (errno == 0) return static_cast<int64_t>(v);
    return std::strtod(s.c_str(), nullptr);
  }
  if (std::regex_match(s, kOct)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 8);
    if (errno == 0 && v <= uint64_t(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
    return s;
  }
  if (std::regex_match(s, kHex)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 16);
    if (errno == 0 && v <= uint64_t(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
    return s;
  }
  if (std::regex_match(s, kFloat)) return std::strtod(s.c_str(), nullptr);
  if (std::regex_match(s, kInf)) {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity()
                       : std::numeric_limits<double>::infinity();
  }
  if (std::regex_match(s, kNan)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return nullptr;
    case YAML::NodeType::Scalar: {
      const std::string& tag = node.Tag();
      if (tag == "?") return yaml_plain_scalar(node.Scalar());
      if (tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
          tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null") {
        return yaml_plain_scalar(node.Scalar());
      }
      return node.Scalar();  // quoted, or explicitly tagged as a string
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node) arr.push_back(yaml_to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& kv : node) {
        obj[kv.first.Scalar()] = yaml_to_json(kv.second);
      }
      return obj;
    }
  }
  return nullptr;
}

Result<nlohmann::json> parse_data_document(std::string_view text, const std::string& name) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) {
    normalize_numbers(doc);
    return doc;
  }
  try {
    YAML::Node node = YAML::Load(std::string(text));
    return yaml_to_json(node);
  } catch (const YAML::Exception& e) {
    return Error{"could not parse data file " + name + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": " + e.msg};
  }
}

Result<nlohmann::json> load_data_document(const std::string& path) {
  auto text = path == "-" ? read_stdin() : read_file(path);
  if (!text) return Error{"could not read data file: " + text.error().message};
  return parse_data_document(*text, path == "-" ? "<stdin>" : path);
}

}  // namespace tako::util
