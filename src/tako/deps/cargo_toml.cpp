// Cargo.toml: `name = "x"`, `name = { version = "x", … }`, `name.version = "x"` and
// `[dependencies.name] version = "x"` in the dependency tables (REFERENCE.md §13.3).
//
// Dependency tables: [dependencies], [dev-dependencies], [build-dependencies] (and their
// old underscore spellings), [workspace.dependencies] and [target.<spec>.<one of those>].
// A line scanner that knows TOML strings (multi-line ones too), comments and brackets keeps
// multi-line arrays and strings from being mistaken for table headers.
#include <optional>
#include <vector>

#include "tako/deps/edit.h"
#include "tako/deps/text_util.h"

namespace tako::deps {
namespace {

const std::vector<std::string_view> kOperators = {"^", "~", ">=", "<=", ">", "<", "="};

bool dep_table_name(std::string_view s) {
  return s == "dependencies" || s == "dev-dependencies" || s == "build-dependencies" || s == "dev_dependencies" ||
         s == "build_dependencies";
}

bool dep_table(const std::vector<std::string>& p) {
  if (p.size() == 1) return dep_table_name(p[0]);
  if (p.size() == 2) return p[0] == "workspace" && p[1] == "dependencies";
  if (p.size() == 3) return p[0] == "target" && dep_table_name(p[2]);
  return false;
}

bool bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

class Line {
 public:
  Line(std::string_view text, size_t begin, size_t end) : t_(text), i_(begin), end_(end) {}

  void skip_ws() {
    while (i_ < end_ && detail::is_blank(t_[i_])) ++i_;
  }
  bool at(char c) const { return i_ < end_ && t_[i_] == c; }
  size_t pos() const { return i_; }
  bool done() const { return i_ >= end_; }
  void advance() { ++i_; }

  // A dotted key ("a.'b'.c"); nullopt when the text is not one.
  std::optional<std::vector<std::string>> key() {
    std::vector<std::string> parts;
    for (;;) {
      skip_ws();
      if (at('"') || at('\'')) {
        auto s = quoted();
        if (!s) return std::nullopt;
        parts.emplace_back(t_.substr(s->pos, s->len));
      } else {
        size_t b = i_;
        while (i_ < end_ && bare_key_char(t_[i_])) ++i_;
        if (b == i_) return std::nullopt;
        parts.emplace_back(t_.substr(b, i_ - b));
      }
      skip_ws();
      if (!at('.')) return parts;
      ++i_;
    }
  }
  // At a single-line string: the span of its content, and past it.
  std::optional<detail::Span> quoted() {
    char q = t_[i_];
    size_t b = ++i_;
    while (i_ < end_ && t_[i_] != q) i_ += (q == '"' && t_[i_] == '\\') ? 2 : 1;
    if (i_ >= end_) return std::nullopt;
    return detail::Span{b, i_++ - b};
  }
  // Skips one value of an inline table (up to the ',' or '}' that ends it).
  void skip_value() {
    int depth = 0;
    while (i_ < end_) {
      char c = t_[i_];
      if (c == '"' || c == '\'') {
        if (!quoted()) return;
        continue;
      }
      if (depth == 0 && (c == ',' || c == '}')) return;
      if (c == '[' || c == '{') ++depth;
      if (c == ']' || c == '}') --depth;
      ++i_;
    }
  }

 private:
  std::string_view t_;
  size_t i_;
  size_t end_;
};

// Tracks what spans lines: multi-line strings and open brackets.
struct Continuation {
  std::string_view ml;  // "\"\"\"" or "'''" while inside a multi-line string
  int depth = 0;        // open [ and { (multi-line arrays)

  void scan(std::string_view text, size_t i, size_t end) {
    while (i < end) {
      if (!ml.empty()) {
        size_t e = text.substr(0, end).find(ml, i);
        if (e == std::string_view::npos) return;
        i = e + 3;
        ml = {};
        continue;
      }
      std::string_view rest = text.substr(i, end - i);
      char c = text[i];
      if (c == '#') return;
      if (rest.starts_with("\"\"\"") || rest.starts_with("'''")) {
        ml = rest.starts_with("\"") ? std::string_view("\"\"\"") : std::string_view("'''");
        i += 3;
        continue;
      }
      if (c == '"' || c == '\'') {
        ++i;
        while (i < end && text[i] != c) i += (c == '"' && text[i] == '\\') ? 2 : 1;
        ++i;
        continue;
      }
      if (c == '[' || c == '{') ++depth;
      if ((c == ']' || c == '}') && depth > 0) --depth;
      ++i;
    }
  }
};

}  // namespace

Result<Edit> update_cargo_toml(std::string_view text, std::string_view name, std::string_view version) {
  std::vector<detail::Span> spans;
  enum class Table { Other, Deps, Crate } table = Table::Other;
  Continuation cont;
  const std::string n(name);

  auto add_string = [&](Line& l) {
    if (!(l.at('"') || l.at('\''))) return;
    auto s = l.quoted();
    if (!s) return;
    size_t op = detail::operator_prefix(text.substr(s->pos, s->len), kOperators);
    spans.push_back({s->pos + op, s->len - op});
  };

  for (const auto& ln : detail::split_lines(text)) {
    if (!cont.ml.empty() || cont.depth > 0) {
      cont.scan(text, ln.begin, ln.end);
      continue;
    }
    Line l(text, ln.begin, ln.end);
    l.skip_ws();
    if (l.at('[')) {  // table header [a.b] or array of tables [[a]]
      l.advance();
      bool array = l.at('[');
      if (array) l.advance();
      auto parts = l.key();
      l.skip_ws();
      table = Table::Other;
      if (parts && !array && l.at(']')) {
        if (dep_table(*parts)) {
          table = Table::Deps;
        } else if (parts->size() >= 2 && parts->back() == n) {
          std::vector<std::string> parent(parts->begin(), parts->end() - 1);
          if (dep_table(parent)) table = Table::Crate;
        }
      }
      continue;
    }
    auto key = l.key();
    if (!key) {
      cont.scan(text, ln.begin, ln.end);
      continue;
    }
    l.skip_ws();
    if (!l.at('=')) continue;
    l.advance();
    l.skip_ws();
    size_t value_start = l.pos();
    if (table == Table::Deps && key->size() == 2 && (*key)[0] == n && (*key)[1] == "version") {
      add_string(l);
    } else if (table == Table::Crate && key->size() == 1 && (*key)[0] == "version") {
      add_string(l);
    } else if (table == Table::Deps && key->size() == 1 && (*key)[0] == n) {
      if (l.at('{')) {
        l.advance();
        for (;;) {
          l.skip_ws();
          if (l.at(',')) {
            l.advance();
            continue;
          }
          if (l.done() || l.at('}')) break;
          auto k = l.key();
          if (!k) break;
          l.skip_ws();
          if (!l.at('=')) break;
          l.advance();
          l.skip_ws();
          if (k->size() == 1 && (*k)[0] == "version" && (l.at('"') || l.at('\''))) {
            add_string(l);
          } else {
            l.skip_value();
          }
        }
      } else {
        add_string(l);
      }
    }
    cont.scan(text, value_start, ln.end);
  }
  return detail::make_edit(text, std::move(spans), version);
}

}  // namespace tako::deps
