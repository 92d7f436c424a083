// go.mod: `require <module> <version>` lines and `require ( … )` blocks (REFERENCE.md §13.3).
#include <vector>

#include "tako/deps/edit.h"
#include "tako/deps/text_util.h"

namespace tako::deps {
namespace {

struct Token {
  size_t pos = 0;
  std::string_view text;  // as written (quotes included)
};

// go.mod tokens of one line: words, quoted strings ("…", `…`), and '(' / ')' on their own;
// a "//" comment ends the line.
std::vector<Token> tokens(std::string_view line, size_t base) {
  std::vector<Token> out;
  size_t i = 0;
  while (i < line.size()) {
    char c = line[i];
    if (detail::is_blank(c) || c == '\r') {
      ++i;
    } else if (line.substr(i, 2) == "//") {
      break;
    } else if (c == '(' || c == ')') {
      out.push_back({base + i, line.substr(i, 1)});
      ++i;
    } else if (c == '"' || c == '`') {
      size_t j = i + 1;
      while (j < line.size() && line[j] != c) j += (c == '"' && line[j] == '\\') ? 2 : 1;
      j = std::min(j + 1, line.size());
      out.push_back({base + i, line.substr(i, j - i)});
      i = j;
    } else {
      size_t j = i;
      while (j < line.size() && !detail::is_blank(line[j]) && line[j] != '\r' && line[j] != '(' && line[j] != ')' &&
             line.substr(j, 2) != "//") {
        ++j;
      }
      out.push_back({base + i, line.substr(i, j - i)});
      i = j;
    }
  }
  return out;
}

// A module path as written, without its quotes.
std::string_view unquote(std::string_view t) {
  if (t.size() >= 2 && (t.front() == '"' || t.front() == '`') && t.back() == t.front()) return t.substr(1, t.size() - 2);
  return t;
}

}  // namespace

Result<Edit> update_go_mod(std::string_view text, std::string_view name, std::string_view version) {
  std::string v(version);
  if (v.empty() || v[0] != 'v') v = "v" + v;
  std::vector<detail::Span> spans;
  std::string_view block;  // the verb of the `<verb> ( … )` block we are in, "" outside
  for (const auto& l : detail::split_lines(text)) {
    auto toks = tokens(text.substr(l.begin, l.end - l.begin), l.begin);
    if (toks.empty()) continue;
    size_t entry = 0;  // index of the module path in toks
    if (!block.empty()) {
      if (toks[0].text == ")") {
        block = {};
        continue;
      }
      if (block != "require") continue;
    } else {
      if (toks.size() >= 2 && toks[1].text == "(") {
        block = toks[0].text;
        continue;
      }
      if (toks[0].text != "require") continue;
      entry = 1;
    }
    if (toks.size() < entry + 2) continue;
    if (unquote(toks[entry].text) != name) continue;
    const Token& ver = toks[entry + 1];
    spans.push_back({ver.pos, ver.text.size()});
  }
  return detail::make_edit(text, std::move(spans), v);
}

}  // namespace tako::deps
