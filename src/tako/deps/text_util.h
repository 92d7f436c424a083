// Helpers shared by the dependency-file editors (internal to tako_deps).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tako/deps/edit.h"

namespace tako::deps::detail {

// A version inside the text: [pos, pos + len), operator not included.
struct Span {
  Span() = default;
  Span(size_t p, size_t l, std::string_view ins = {}) : pos(p), len(l), insert(ins) {}
  size_t pos = 0;
  size_t len = 0;
  std::string_view insert;  // written before the version when the entry has none yet ("==")
};

// One line without its terminator: [begin, end); a trailing '\r' (CRLF) is not part of it.
struct Line {
  size_t begin = 0;
  size_t end = 0;
};
std::vector<Line> split_lines(std::string_view text);

// Length of the version-range operator `value` starts with among `ops` (longest first), plus
// any blanks after it; 0 when there is none.
size_t operator_prefix(std::string_view value, const std::vector<std::string_view>& ops);

bool is_blank(char c);
std::string_view trim(std::string_view s);

// The Edit for `text` with every span replaced by `version`: previous_version is the first
// span's text; unchanged (and text == input) when every span already reads `version`.
Edit make_edit(std::string_view text, std::vector<Span> spans, std::string_view version);

}  // namespace tako::deps::detail
