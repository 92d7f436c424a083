#include "tako/util/data_doc.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string_view>

#include "tako/util/input_file.h"
#include "tako/yaml/parser.h"

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

namespace {

// Hand-written matchers for the YAML 1.2 core schema (no std::regex: its
// recursive matcher overflows the stack on long scalars). Each matches the
// whole string.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_octal(char c) { return c >= '0' && c <= '7'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Advances i over characters satisfying `pred`; returns how many.
template <class Pred>
size_t skip(std::string_view s, size_t& i, Pred pred) {
  size_t start = i;
  while (i < s.size() && pred(s[i])) ++i;
  return i - start;
}

size_t skip_sign(std::string_view s) { return !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0; }

// [-+]?[0-9]+
bool match_int(std::string_view s) {
  size_t i = skip_sign(s);
  return skip(s, i, is_digit) > 0 && i == s.size();
}

// <prefix>[digits]+ for 0o (octal) and 0x (hex).
template <class Pred>
bool match_prefixed(std::string_view s, std::string_view prefix, Pred pred) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  size_t i = prefix.size();
  return skip(s, i, pred) > 0 && i == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool match_float(std::string_view s) {
  size_t i = skip_sign(s);
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (skip(s, i, is_digit) == 0) return false;
  } else {
    if (skip(s, i, is_digit) == 0) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      skip(s, i, is_digit);
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (skip(s, i, is_digit) == 0) return false;
  }
  return i == s.size();
}

// [-+]?\.(inf|Inf|INF)
bool match_inf(std::string_view s) {
  std::string_view t = s.substr(skip_sign(s));
  return t == ".inf" || t == ".Inf" || t == ".INF";
}

// \.(nan|NaN|NAN)
bool match_nan(std::string_view s) { return s == ".nan" || s == ".NaN" || s == ".NAN"; }

}  // namespace

nlohmann::json yaml_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  errno = 0;
  if (match_int(s)) {
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) return static_cast<int64_t>(v);
    return std::strtod(s.c_str(), nullptr);  // out of int64 range: a double (±inf when huge)
  }
  if (match_prefixed(s, "0o", is_octal)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 8);
    if (errno == 0 && v <= uint64_t(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
    return s;
  }
  if (match_prefixed(s, "0x", is_hex)) {
    unsigned long long v = std::strtoull(s.c_str() + 2, nullptr, 16);
    if (errno == 0 && v <= uint64_t(std::numeric_limits<int64_t>::max())) return static_cast<int64_t>(v);
    return s;
  }
  if (match_float(s)) return std::strtod(s.c_str(), nullptr);
  if (match_inf(s)) {
    return s[0] == '-' ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  }
  if (match_nan(s)) return std::numeric_limits<double>::quiet_NaN();
  return s;
}

namespace {

bool core_typed(const yaml::Node& node) {
  const std::string& tag = node.tag();
  return node.is_plain() || tag == "tag:yaml.org,2002:int" || tag == "tag:yaml.org,2002:float" ||
         tag == "tag:yaml.org,2002:bool" || tag == "tag:yaml.org,2002:null";
}

// Deepest nesting of arrays/objects in valid JSON text (strings skipped).
int json_depth(std::string_view text) {
  int depth = 0, max_depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return max_depth;
}

}  // namespace

// Recursion is bounded: yaml::parse checked the depth and node limits.
nlohmann::json yaml_to_json(const yaml::Node& node) {
  switch (node.kind()) {
    case yaml::Kind::Null:
      return nullptr;
    case yaml::Kind::Scalar:
      return core_typed(node) ? yaml_plain_scalar(node.scalar()) : nlohmann::json(node.scalar());
    case yaml::Kind::Sequence: {
      nlohmann::json arr = nlohmann::json::array();
      for (const auto& item : node.items()) arr.push_back(yaml_to_json(item));
      return arr;
    }
    case yaml::Kind::Mapping: {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& [k, v] : node.pairs()) obj[k.scalar()] = yaml_to_json(v);
      return obj;
    }
  }
  return nullptr;
}

Result<nlohmann::json> parse_data_document(std::string_view text, const std::string& name) {
  const std::string prefix = "could not parse data file " + name + ":";
  const yaml::ParseOptions limits;
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) {
    // JSON has no aliases, but deep nesting would still overflow the
    // recursive consumers (normalize_numbers, CEL conversion, templates).
    if (json_depth(text) > limits.max_depth) {
      return Error{prefix + " document nesting exceeds " + std::to_string(limits.max_depth) + " levels"};
    }
    normalize_numbers(doc);
    return doc;
  }
  auto parsed = yaml::parse(text, limits);
  if (!parsed) return Error{prefix + parsed.error().message};
  return yaml_to_json(parsed->root());
}

Result<nlohmann::json> load_data_document(const std::string& path) {
  auto text = path == "-" ? read_input_stdin() : read_input_file(path);
  if (!text) return Error{"could not read data file: " + text.error().message};
  return parse_data_document(*text, path == "-" ? "<stdin>" : path);
}

}  // namespace tako::util
