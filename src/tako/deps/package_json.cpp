// package.json: the string value of key `name` in the dependency objects (REFERENCE.md §13.3).
//
// nlohmann-json validates the document (and decodes keys); the edit itself is done on the
// original text by a small scanner that records where each string token is, so that
// formatting, key order and every other byte stay as they were.
#include <algorithm>

#include <nlohmann/json.hpp>
#include <vector>

#include "tako/deps/edit.h"
#include "tako/deps/text_util.h"

namespace tako::deps {
namespace {

const std::vector<std::string_view> kSections = {"dependencies", "devDependencies", "peerDependencies",
                                                 "optionalDependencies"};
const std::vector<std::string_view> kOperators = {"^", "~", ">=", "<=", ">", "<", "="};

// Walks a document already known to be valid JSON.
class Scanner {
 public:
  Scanner(std::string_view text, std::string_view name) : t_(text), name_(name) {}

  void run() {
    if (t_.starts_with("\xEF\xBB\xBF")) i_ = 3;
    skip_ws();
    if (i_ < t_.size() && t_[i_] == '{') {
      object(/*depth=*/0, /*in_section=*/false);
    }
  }
  std::vector<detail::Span> spans;

 private:
  void skip_ws() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r')) ++i_;
  }
  // At '"': returns the token [start, end) including quotes and moves past it.
  std::string_view string_token() {
    size_t start = i_++;
    while (i_ < t_.size() && t_[i_] != '"') i_ += t_[i_] == '\\' ? 2 : 1;
    ++i_;
    return t_.substr(start, std::min(i_, t_.size()) - start);
  }
  static std::string decode(std::string_view token) {
    if (token.find('\\') == std::string_view::npos) return std::string(token.substr(1, token.size() - 2));
    auto j = nlohmann::json::parse(token, nullptr, false);
    return j.is_string() ? j.get<std::string>() : std::string();
  }
  // At '{'.
  void object(int depth, bool in_section) {
    ++i_;
    for (;;) {
      skip_ws();
      if (i_ >= t_.size() || t_[i_] == '}') {
        ++i_;
        return;
      }
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      std::string key = decode(string_token());
      skip_ws();
      ++i_;  // ':'
      skip_ws();
      if (i_ >= t_.size()) return;
      if (in_section && key == name_ && t_[i_] == '"') {
        size_t start = i_;
        std::string_view tok = string_token();
        std::string_view inner = tok.substr(1, tok.size() - 2);
        size_t op = detail::operator_prefix(inner, kOperators);
        spans.push_back({start + 1 + op, inner.size() - op});
        continue;
      }
      bool section = depth == 0 && std::find(kSections.begin(), kSections.end(), key) != kSections.end();
      value(depth + 1, section);
    }
  }
  void array(int depth) {
    ++i_;
    for (;;) {
      skip_ws();
      if (i_ >= t_.size() || t_[i_] == ']') {
        ++i_;
        return;
      }
      if (t_[i_] == ',') {
        ++i_;
        continue;
      }
      value(depth + 1, false);
    }
  }
  void value(int depth, bool section) {
    if (i_ >= t_.size()) return;
    char c = t_[i_];
    if (c == '{') {
      object(depth, section);
    } else if (c == '[') {
      array(depth);
    } else if (c == '"') {
      string_token();
    } else {
      while (i_ < t_.size() && t_[i_] != ',' && t_[i_] != '}' && t_[i_] != ']' && t_[i_] != ' ' && t_[i_] != '\t' &&
             t_[i_] != '\n' && t_[i_] != '\r') {
        ++i_;
      }
    }
  }

  std::string_view t_;
  std::string name_;
  size_t i_ = 0;
};

}  // namespace

Result<Edit> update_package_json(std::string_view text, std::string_view name, std::string_view version) {
  try {
    auto doc = nlohmann::json::parse(text);
    if (!doc.is_object()) return Error{"the top level is not a JSON object"};
  } catch (const nlohmann::json::parse_error& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: …" -> "parse error at …"
    std::string what = e.what();
    size_t cut = what.find("] ");
    return Error{"invalid JSON: " + (cut == std::string::npos ? what : what.substr(cut + 2))};
  }
  Scanner s(text, name);
  s.run();
  return detail::make_edit(text, std::move(s.spans), version);
}

}  // namespace tako::deps
