#include "tako/config/version_range.h"

namespace tako::config {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

void skip_space(std::string_view s, size_t& i) {
  while (i < s.size() && is_space(s[i])) ++i;
}

// Reads X.Y.Z at s[i...]; advances i.
std::optional<Version> read_version(std::string_view s, size_t& i) {
  std::string parts[3];
  for (int p = 0; p < 3; ++p) {
    if (p > 0) {
      if (i >= s.size() || s[i] != '.') return std::nullopt;
      ++i;
    }
    size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return std::nullopt;
    std::string_view digits = s.substr(start, i - start);
    while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
    parts[p] = std::string(digits);
  }
  return Version{parts[0], parts[1], parts[2]};
}

int compare_number(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

}  // namespace

std::optional<Version> parse_version(std::string_view s) {
  size_t i = 0;
  auto v = read_version(s, i);
  if (!v || i != s.size()) return std::nullopt;
  return v;
}

int compare_versions(const Version& a, const Version& b) {
  if (int c = compare_number(a.major, b.major)) return c;
  if (int c = compare_number(a.minor, b.minor)) return c;
  return compare_number(a.patch, b.patch);
}

std::optional<VersionRange> VersionRange::parse(std::string_view s) {
  VersionRange r;
  size_t i = 0;
  skip_space(s, i);
  if (i == s.size()) return std::nullopt;
  if (s[i] == '(' || s[i] == '[') {
    bool lower_inclusive = s[i] == '[';
    ++i;
    skip_space(s, i);
    auto lo = read_version(s, i);
    if (!lo) return std::nullopt;
    skip_space(s, i);
    if (s.substr(i, 3) != "...") return std::nullopt;
    i += 3;
    skip_space(s, i);
    std::optional<Version> hi;
    if (i < s.size() && is_digit(s[i])) {
      hi = read_version(s, i);
      if (!hi) return std::nullopt;
      skip_space(s, i);
    }
    if (i >= s.size() || (s[i] != ']' && s[i] != ')')) return std::nullopt;
    bool upper_inclusive = s[i] == ']';
    ++i;
    skip_space(s, i);
    if (i != s.size()) return std::nullopt;
    r.comparators_.push_back({lower_inclusive ? Op::Ge : Op::Gt, *lo});
    if (hi) r.comparators_.push_back({upper_inclusive ? Op::Le : Op::Lt, *hi});
    return r;
  }
  while (i < s.size()) {
    Op op = Op::Eq;
    if (s.substr(i, 2) == ">=") {
      op = Op::Ge;
      i += 2;
    } else if (s.substr(i, 2) == "<=") {
      op = Op::Le;
      i += 2;
    } else if (s[i] == '>') {
      op = Op::Gt;
      ++i;
    } else if (s[i] == '<') {
      op = Op::Lt;
      ++i;
    } else if (s[i] == '^') {
      op = Op::Caret;
      ++i;
    } else if (s[i] == '~') {
      op = Op::Tilde;
      ++i;
    } else if (s[i] == '=') {
      ++i;
    }
    skip_space(s, i);
    auto v = read_version(s, i);
    if (!v) return std::nullopt;
    r.comparators_.push_back({op, *v});
    size_t before = i;
    skip_space(s, i);
    if (i < s.size() && i == before) return std::nullopt;  // comparators need white space between them
  }
  return r;
}

bool VersionRange::satisfies(std::string_view version) const {
  auto v = parse_version(version);
  return v && satisfies(*v);
}

bool VersionRange::satisfies(const Version& v) const {
  for (const auto& c : comparators_) {
    int cmp = compare_versions(v, c.v);
    bool ok = false;
    switch (c.op) {
      case Op::Eq: ok = cmp == 0; break;
      case Op::Ge: ok = cmp >= 0; break;
      case Op::Gt: ok = cmp > 0; break;
      case Op::Le: ok = cmp <= 0; break;
      case Op::Lt: ok = cmp < 0; break;
      case Op::Caret: ok = cmp >= 0 && v.major == c.v.major; break;
      case Op::Tilde: ok = cmp >= 0 && v.major == c.v.major && v.minor == c.v.minor; break;
    }
    if (!ok) return false;
  }
  return true;
}

std::string invalid_range_message(std::string_view range) {
  return "invalid version range format '" + std::string(range) +
         "'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)";
}

}  // namespace tako::config
