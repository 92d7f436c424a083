// requirements.txt: the requirement line of `name` (PEP 503-normalised comparison) (REFERENCE.md §13.3).
//
// `name[extras] <op><version>[,<more clauses>] [; markers] [# comment]`: the version of the
// first clause is replaced; its operator, the extras, further clauses, markers, comments and
// options such as --hash stay. A line without a version gets `==<version>` after the name
// (and extras). Comments, options (-r, -e, --index-url …) and direct references
// (`name @ url`) are not requirements with a version and are left alone.
#include <vector>

#include "tako/deps/edit.h"
#include "tako/deps/text_util.h"

namespace tako::deps {
namespace {

const std::vector<std::string_view> kOperators = {"===", "==", "~=", ">=", "<=", "!=", ">", "<"};

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

}  // namespace

// PEP 503: lowercase, every run of '-', '_' and '.' becomes one '-'.
std::string pep503_normalise(std::string_view name) {
  std::string out;
  bool sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      sep = true;
      continue;
    }
    if (sep && !out.empty()) out.push_back('-');
    sep = false;
    out.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
  }
  if (sep) out.push_back('-');
  return out;
}

Result<Edit> update_requirements_txt(std::string_view text, std::string_view name, std::string_view version) {
  const std::string want = pep503_normalise(name);
  std::vector<detail::Span> spans;
  for (const auto& ln : detail::split_lines(text)) {
    size_t i = ln.begin;
    const size_t end = ln.end;
    while (i < end && detail::is_blank(text[i])) ++i;
    size_t nb = i;
    while (i < end && name_char(text[i])) ++i;
    if (i == nb || text[nb] == '-' || text[nb] == '.' || text[nb] == '_') continue;  // blank, comment, option
    if (pep503_normalise(text.substr(nb, i - nb)) != want) continue;
    size_t after_name = i;
    while (i < end && detail::is_blank(text[i])) ++i;
    if (i < end && text[i] == '[') {
      size_t close = text.find(']', i);
      if (close == std::string_view::npos || close >= end) continue;
      i = close + 1;
      after_name = i;
      while (i < end && detail::is_blank(text[i])) ++i;
    }
    if (i < end && text[i] == '@') continue;  // direct reference
    size_t op = detail::operator_prefix(text.substr(i, end - i), kOperators);
    if (op == 0) {
      // No version clause: only a name (+ extras), markers or a comment may follow.
      if (i < end && text[i] != ';' && text[i] != '#') continue;
      spans.push_back({after_name, 0, "=="});
      continue;
    }
    size_t vb = i + op;
    size_t ve = vb;
    while (ve < end && !detail::is_blank(text[ve]) && text[ve] != ',' && text[ve] != ';' && text[ve] != '#' &&
           text[ve] != '\\') {
      ++ve;
    }
    spans.push_back({vb, ve - vb});
  }
  return detail::make_edit(text, std::move(spans), version);
}

}  // namespace tako::deps
