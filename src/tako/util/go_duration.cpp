#include "tako/util/go_duration.h"

#include <cstdint>
#include <limits>

namespace tako::util {
namespace {

struct Unit {
  std::string_view name;
  uint64_t nanos;
};

constexpr Unit kUnits[] = {
    {"ns", 1ULL},
    {"us", 1000ULL},
    {"\xC2\xB5s", 1000ULL},  // U+00B5 micro sign
    {"\xCE\xBCs", 1000ULL},  // U+03BC greek mu
    {"ms", 1000ULL * 1000},
    {"s", 1000ULL * 1000 * 1000},
    {"m", 60ULL * 1000 * 1000 * 1000},
    {"h", 3600ULL * 1000 * 1000 * 1000},
};

Error invalid(std::string_view orig) {
  return Error{"time: invalid duration \"" + std::string(orig) + "\""};
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Nanos> parse_go_duration(std::string_view orig) {
  std::string_view s = orig;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Nanos(0);
  if (s.empty()) return invalid(orig);

  constexpr uint64_t kMax = uint64_t(1) << 63;  // |min int64|
  uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid(orig);
    // Integer part.
    uint64_t v = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      if (v > (kMax - 1) / 10) return invalid(orig);
      v = v * 10 + uint64_t(s[i] - '0');
      if (v > kMax) return invalid(orig);
    }
    bool pre = i > 0;
    s.remove_prefix(i);
    // Fraction part: keep as many digits as fit, like Go's leadingFraction.
    uint64_t f = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      size_t j = 0;
      bool overflow = false;
      for (; j < s.size() && is_digit(s[j]); ++j) {
        if (overflow) continue;
        if (f > (std::numeric_limits<uint64_t>::max() >> 1) / 10) {
          overflow = true;
          continue;
        }
        uint64_t y = f * 10 + uint64_t(s[j] - '0');
        if (y > kMax) {
          overflow = true;
          continue;
        }
        f = y;
        scale *= 10;
      }
      post = j > 0;
      s.remove_prefix(j);
    }
    if (!pre && !post) return invalid(orig);
    // Unit.
    size_t k = 0;
    while (k < s.size() && s[k] != '.' && !is_digit(s[k])) ++k;
    if (k == 0) {
      return Error{"time: missing unit in duration \"" + std::string(orig) + "\""};
    }
    std::string_view u = s.substr(0, k);
    s.remove_prefix(k);
    const Unit* unit = nullptr;
    for (const auto& cand : kUnits) {
      if (cand.name == u) unit = &cand;
    }
    if (unit == nullptr) {
      return Error{"time: unknown unit \"" + std::string(u) + "\" in duration \"" +
                   std::string(orig) + "\""};
    }
    if (v > kMax / unit->nanos) return invalid(orig);
    v *= unit->nanos;
    if (f > 0) {
      v += uint64_t(double(f) * (double(unit->nanos) / scale));
      if (v > kMax) return invalid(orig);
    }
    total += v;
    if (total > kMax) return invalid(orig);
  }
  if (neg) return Nanos(-static_cast<int64_t>(total - 1) - 1);
  if (total > kMax - 1) return invalid(orig);
  return Nanos(static_cast<int64_t>(total));
}

namespace {

// Writes v / 10^prec with trailing zeros (and the dot) removed.
std::string frac(uint64_t v, int prec, uint64_t* rest) {
  std::string digits;
  bool print = false;
  for (int i = 0; i < prec; ++i) {
    int d = int(v % 10);
    print = print || d != 0;
    if (print) digits.insert(digits.begin(), char('0' + d));
    v /= 10;
  }
  if (print) digits.insert(digits.begin(), '.');
  *rest = v;
  return digits;
}

}  // namespace

std::string format_go_duration(Nanos d) {
  int64_t n = d.count();
  if (n == 0) return "0s";
  bool neg = n < 0;
  uint64_t u = neg ? uint64_t(-(n + 1)) + 1 : uint64_t(n);
  std::string out;
  if (u < 1000000000ULL) {
    int prec = 0;
    std::string unit;
    if (u < 1000ULL) {
      out = std::to_string(u) + "ns";
      return neg ? "-" + out : out;
    } else if (u < 1000000ULL) {
      prec = 3;
      unit = "\xC2\xB5s";
    } else {
      prec = 6;
      unit = "ms";
    }
    uint64_t rest = 0;
    std::string f = frac(u, prec, &rest);
    out = std::to_string(rest) + f + unit;
  } else {
    uint64_t rest = 0;
    std::string f = frac(u, 9, &rest);
    out = std::to_string(rest % 60) + f + "s";
    rest /= 60;
    if (rest > 0) {
      out = std::to_string(rest % 60) + "m" + out;
      rest /= 60;
      if (rest > 0) out = std::to_string(rest) + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}

std::string format_rounded_duration(Nanos d) {
  int64_t n = d.count();
  int64_t unit = n >= 1000000000LL ? 1000000000LL : 1000000LL;
  int64_t r = n % unit;
  n -= r;
  if (r + r >= unit) n += unit;  // round half away from zero (n >= 0 here)
  return format_go_duration(Nanos(n));
}

}  // namespace tako::util
