#include "tako/deps/text_util.h"

#include <algorithm>

namespace tako::deps::detail {

std::vector<Line> split_lines(std::string_view text) {
  std::vector<Line> out;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t nl = text.find('\n', begin);
    size_t stop = nl == std::string_view::npos ? text.size() : nl;
    size_t end = stop;
    if (end > begin && text[end - 1] == '\r') --end;
    out.push_back({begin, end});
    if (nl == std::string_view::npos) break;
    begin = nl + 1;
  }
  return out;
}

size_t operator_prefix(std::string_view value, const std::vector<std::string_view>& ops) {
  size_t best = 0;
  for (auto op : ops) {
    if (op.size() > best && value.starts_with(op)) best = op.size();
  }
  if (best == 0) return 0;
  while (best < value.size() && is_blank(value[best])) ++best;
  return best;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

Edit make_edit(std::string_view text, std::vector<Span> spans, std::string_view version) {
  Edit e;
  e.version = std::string(version);
  e.found = !spans.empty();
  e.occurrences = int(spans.size());
  if (spans.empty()) {
    e.text = std::string(text);
    return e;
  }
  e.previous_version = std::string(text.substr(spans.front().pos, spans.front().len));
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.pos < b.pos; });
  std::string out;
  out.reserve(text.size() + spans.size() * version.size());
  size_t at = 0;
  for (const Span& s : spans) {
    if (s.pos < at) continue;  // the same span twice (two dependencies sharing one property)
    if (!s.insert.empty() || text.substr(s.pos, s.len) != version) e.changed = true;
    out.append(text.substr(at, s.pos - at));
    out.append(s.insert);
    out.append(version);
    at = s.pos + s.len;
  }
  out.append(text.substr(at));
  e.text = e.changed ? std::move(out) : std::string(text);
  return e;
}

}  // namespace tako::deps::detail
