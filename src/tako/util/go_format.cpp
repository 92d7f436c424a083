#include "tako/util/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace tako::util {

std::string format_go_float(double x) {
  if (std::isnan(x)) return "NaN";
  if (std::isinf(x)) return x > 0 ? "+Inf" : "-Inf";
  if (x == 0) return std::signbit(x) ? "-0" : "0";
  // Shortest round-trip digits in scientific form: "-d.ddde+XX".
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  int exp = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  // Appended piece by piece: `"." + digits.substr(1)` builds a temporary whose insert GCC 12
  // flags with a false -Wrestrict at -O3 (and it costs an allocation anyway).
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= 6) {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += exp < 0 ? "e-" : "e+";
    int a = std::abs(exp);
    if (a < 10) out += '0';
    out += std::to_string(a);
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(size_t(-exp - 1), '0');
    out += digits;
  } else if (size_t(exp) + 1 >= digits.size()) {
    out += digits;
    out.append(size_t(exp) + 1 - digits.size(), '0');
  } else {
    out.append(digits, 0, size_t(exp) + 1);
    out += '.';
    out.append(digits, size_t(exp) + 1, std::string::npos);
  }
  return out;
}

}  // namespace tako::util
