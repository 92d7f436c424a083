#include "tako/cel/semver.h"

#include <charconv>

namespace tako::cel::semver {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}

// Digits only, no leading zero (unless "0"), fits in uint64.
bool parse_number(std::string_view s, uint64_t& out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) break;
    start = p + 1;
  }
  return out;
}

// X.Y.Z, digits only (the range grammar's versions).
bool parse_core(std::string_view s, Version& v) {
  auto parts = split(s, '.');
  return parts.size() == 3 && parse_number(parts[0], v.major) && parse_number(parts[1], v.minor) &&
         parse_number(parts[2], v.patch);
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!is_digit(c)) return false;
  return !s.empty();
}

int cmp_u(uint64_t a, uint64_t b) { return a < b ? -1 : (a > b ? 1 : 0); }

}  // namespace

Result<Version> parse_version(std::string_view s) {
  auto bad = [&] { return Error{"semver: invalid version '" + std::string(s) + "'"}; };
  std::string_view t = s;
  if (!t.empty() && t[0] == 'v') t.remove_prefix(1);
  Version v;
  size_t plus = t.find('+');
  if (plus != std::string_view::npos) {
    std::string_view build = t.substr(plus + 1);
    for (auto id : split(build, '.')) {
      if (id.empty()) return bad();
      for (char c : id)
        if (!is_ident_char(c)) return bad();
    }
    v.build = std::string(build);
    t = t.substr(0, plus);
  }
  size_t dash = t.find('-');
  if (dash != std::string_view::npos) {
    std::string_view pre = t.substr(dash + 1);
    for (auto id : split(pre, '.')) {
      if (id.empty()) return bad();
      for (char c : id)
        if (!is_ident_char(c)) return bad();
      if (all_digits(id) && id.size() > 1 && id[0] == '0') return bad();
      v.prerelease.emplace_back(id);
    }
    t = t.substr(0, dash);
  }
  if (!parse_core(t, v)) return bad();
  return v;
}

int compare(const Version& a, const Version& b) {
  if (int c = cmp_u(a.major, b.major)) return c;
  if (int c = cmp_u(a.minor, b.minor)) return c;
  if (int c = cmp_u(a.patch, b.patch)) return c;
  if (a.prerelease.empty() != b.prerelease.empty()) return a.prerelease.empty() ? 1 : -1;
  size_t n = std::min(a.prerelease.size(), b.prerelease.size());
  for (size_t i = 0; i < n; ++i) {
    const std::string& x = a.prerelease[i];
    const std::string& y = b.prerelease[i];
    bool nx = all_digits(x), ny = all_digits(y);
    if (nx && ny) {
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      if (x != y) return x < y ? -1 : 1;
    } else if (nx != ny) {
      return nx ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  return cmp_u(a.prerelease.size(), b.prerelease.size());
}

bool Range::satisfied_by(const Version& v) const {
  for (const auto& c : comparators_) {
    int r = compare(v, c.version);
    bool ok = false;
    switch (c.op) {
      case Op::Eq: ok = r == 0; break;
      case Op::Gt: ok = r > 0; break;
      case Op::Ge: ok = r >= 0; break;
      case Op::Lt: ok = r < 0; break;
      case Op::Le: ok = r <= 0; break;
      case Op::Caret: ok = r >= 0 && v.major == c.version.major; break;
      case Op::Tilde: ok = r >= 0 && v.major == c.version.major && v.minor == c.version.minor; break;
    }
    if (!ok) return false;
  }
  return true;
}

Result<Range> parse_range(std::string_view text) {
  auto bad = [&] { return Error{"semver: invalid range '" + std::string(text) + "'"}; };
  std::string_view s = text;
  size_t i = 0;
  auto skip = [&] {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  };
  auto version = [&](Version& v) {
    size_t start = i;
    while (i < s.size() && (is_digit(s[i]) || s[i] == '.')) {
      // stop before "..." of an interval
      if (s[i] == '.' && i + 1 < s.size() && s[i + 1] == '.') break;
      ++i;
    }
    return parse_core(s.substr(start, i - start), v);
  };
  Range r;
  skip();
  if (i >= s.size()) return bad();
  if (s[i] == '(' || s[i] == '[') {
    bool lower_incl = s[i] == '[';
    ++i;
    skip();
    Version lo;
    if (!version(lo)) return bad();
    skip();
    if (s.substr(i, 3) != "...") return bad();
    i += 3;
    skip();
    Version hi;
    bool has_hi = false;
    if (i < s.size() && is_digit(s[i])) {
      if (!version(hi)) return bad();
      has_hi = true;
      skip();
    }
    if (i >= s.size() || (s[i] != ']' && s[i] != ')')) return bad();
    bool upper_incl = s[i] == ']';
    ++i;
    skip();
    if (i != s.size()) return bad();
    r.comparators_.push_back({lower_incl ? Range::Op::Ge : Range::Op::Gt, lo});
    if (has_hi) r.comparators_.push_back({upper_incl ? Range::Op::Le : Range::Op::Lt, hi});
    return r;
  }
  while (i < s.size()) {
    Range::Op op = Range::Op::Eq;
    if (s.substr(i, 2) == ">=") op = Range::Op::Ge, i += 2;
    else if (s.substr(i, 2) == "<=") op = Range::Op::Le, i += 2;
    else if (s[i] == '>') op = Range::Op::Gt, ++i;
    else if (s[i] == '<') op = Range::Op::Lt, ++i;
    else if (s[i] == '^') op = Range::Op::Caret, ++i;
    else if (s[i] == '~') op = Range::Op::Tilde, ++i;
    else if (s[i] == '=') op = Range::Op::Eq, ++i;
    skip();
    Version v;
    if (!version(v)) return bad();
    r.comparators_.push_back({op, v});
    size_t before = i;
    skip();
    if (i < s.size() && i == before) return bad();  // comparators are separated by spaces
  }
  return r;
}

Status validate_range(std::string_view text) {
  if (parse_range(text)) return {};
  return Error{"invalid version range format '" + std::string(text) +
               "'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)"};
}

Result<bool> satisfies(std::string_view version, std::string_view range) {
  auto v = parse_version(version);
  if (!v) return v.error();
  auto r = parse_range(range);
  if (!r) return r.error();
  return r->satisfied_by(*v);
}

}  // namespace tako::cel::semver
