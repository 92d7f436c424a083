#include "tako/tmpl/gofmt.h"

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstring>
#include <cwctype>
#include <locale.h>

namespace tako::tmpl::gofmt {

// ---------------------------------------------------------------- UTF-8

Rune decode_rune(std::string_view s, size_t i) {
  if (i >= s.size()) return {kRuneError, 0};
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  size_t n = s.size() - i;
  unsigned char c0 = p[0];
  if (c0 < 0x80) return {c0, 1};
  auto cont = [&](size_t k) { return k < n && (p[k] & 0xC0) == 0x80; };
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (!cont(1)) return {kRuneError, 1};
    return {static_cast<int32_t>(((c0 & 0x1F) << 6) | (p[1] & 0x3F)), 2};
  }
  if (c0 >= 0xE0 && c0 <= 0xEF) {
    if (n < 2) return {kRuneError, 1};
    unsigned char c1 = p[1];
    unsigned char lo = 0x80, hi = 0xBF;
    if (c0 == 0xE0) lo = 0xA0;
    if (c0 == 0xED) hi = 0x9F;
    if (c1 < lo || c1 > hi) return {kRuneError, 1};
    if (!cont(2)) return {kRuneError, 1};
    return {static_cast<int32_t>(((c0 & 0x0F) << 12) | ((c1 & 0x3F) << 6) | (p[2] & 0x3F)), 3};
  }
  if (c0 >= 0xF0 && c0 <= 0xF4) {
    if (n < 2) return {kRuneError, 1};
    unsigned char c1 = p[1];
    unsigned char lo = 0x80, hi = 0xBF;
    if (c0 == 0xF0) lo = 0x90;
    if (c0 == 0xF4) hi = 0x8F;
    if (c1 < lo || c1 > hi) return {kRuneError, 1};
    if (!cont(2) || !cont(3)) return {kRuneError, 1};
    return {static_cast<int32_t>(((c0 & 0x07) << 18) | ((c1 & 0x3F) << 12) | ((p[2] & 0x3F) << 6) |
                                 (p[3] & 0x3F)),
            4};
  }
  return {kRuneError, 1};
}

Rune decode_last_rune(std::string_view s, size_t end) {
  if (end == 0) return {kRuneError, 0};
  size_t start = end - 1;
  if (static_cast<unsigned char>(s[start]) < 0x80) return {static_cast<unsigned char>(s[start]), 1};
  size_t lim = end >= 4 ? end - 4 : 0;
  while (start > lim && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  Rune r = decode_rune(s.substr(0, end), start);
  if (start + r.size != end) return {kRuneError, 1};
  return r;
}

bool valid_rune(int32_t r) { return (r >= 0 && r < 0xD800) || (r > 0xDFFF && r <= kMaxRune); }

void append_rune(std::string& out, int32_t r) {
  if (!valid_rune(r)) r = kRuneError;
  auto u = static_cast<uint32_t>(r);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

size_t rune_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else {
      i += decode_rune(s, i).size;
    }
    ++n;
  }
  return n;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    Rune r = decode_rune(s, i);
    if (r.r == kRuneError && r.size == 1) return false;
    i += r.size;
  }
  return true;
}

// ---------------------------------------------------------------- Unicode classes

namespace {

locale_t utf8_locale() {
  static locale_t loc = [] {
    locale_t l = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
    if (l == static_cast<locale_t>(0)) l = newlocale(LC_CTYPE_MASK, "C.utf8", static_cast<locale_t>(0));
    return l;
  }();
  return loc;
}

bool is_space_separator(int32_t r) {
  return r == 0xA0 || r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x202F || r == 0x205F || r == 0x3000;
}

bool is_format_char(int32_t r) {
  return r == 0xAD || (r >= 0x600 && r <= 0x605) || r == 0x61C || r == 0x6DD || r == 0x70F || r == 0x8E2 ||
         r == 0x180E || (r >= 0x200B && r <= 0x200F) || (r >= 0x202A && r <= 0x202E) ||
         (r >= 0x2060 && r <= 0x2064) || (r >= 0x2066 && r <= 0x206F) || r == 0xFEFF ||
         (r >= 0xFFF9 && r <= 0xFFFB) || r == 0x110BD || r == 0x110CD || (r >= 0x13430 && r <= 0x13438) ||
         (r >= 0x1BCA0 && r <= 0x1BCA3) || (r >= 0x1D173 && r <= 0x1D17A) || r == 0xE0001 ||
         (r >= 0xE0020 && r <= 0xE007F);
}

}  // namespace

bool is_letter(int32_t r) {
  if (r < 0x80) return (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z');
  if (r == 0xAA || r == 0xB5 || r == 0xBA) return true;
  if (r < 0xC0 || r == 0xD7 || r == 0xF7) return false;
  locale_t l = utf8_locale();
  if (l == static_cast<locale_t>(0)) return true;
  return iswalpha_l(static_cast<wint_t>(r), l) != 0 && !is_digit(r);
}

bool is_digit(int32_t r) {
  if (r < 0x80) return r >= '0' && r <= '9';
  // The common decimal-digit blocks (Unicode Nd); others count as letters above.
  static const int32_t starts[] = {0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6,
                                   0xD66, 0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0xFF10};
  for (int32_t s : starts)
    if (r >= s && r < s + 10) return true;
  return false;
}

bool is_print(int32_t r) {
  if (r < 0x80) return r >= 0x20 && r < 0x7F;
  if (r < 0xA0) return false;
  if (!valid_rune(r)) return false;
  if (is_space_separator(r) || is_format_char(r) || r == 0x2028 || r == 0x2029) return false;
  if ((r >= 0xE000 && r <= 0xF8FF) || r >= 0xF0000) return false;                // private use
  if ((r >= 0xFDD0 && r <= 0xFDEF) || (r & 0xFFFE) == 0xFFFE) return false;      // noncharacters
  locale_t l = utf8_locale();
  if (l == static_cast<locale_t>(0)) return true;
  return iswprint_l(static_cast<wint_t>(r), l) != 0;
}

bool is_space(int32_t r) {
  switch (r) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0:
      return true;
    default:
      break;
  }
  if (r < 0x100) return false;
  return r == 0x1680 || (r >= 0x2000 && r <= 0x200A) || r == 0x2028 || r == 0x2029 || r == 0x202F ||
         r == 0x205F || r == 0x3000;
}

// ---------------------------------------------------------------- strconv quoting

namespace {
const char kLowerHex[] = "0123456789abcdef";
const char kUpperHex[] = "0123456789ABCDEF";

void append_escaped_rune(std::string& out, int32_t r, char q, bool ascii_only) {
  if (r == q || r == '\\') {
    out += '\\';
    out += static_cast<char>(r);
    return;
  }
  if (ascii_only) {
    if (r < 0x80 && is_print(r)) {
      out += static_cast<char>(r);
      return;
    }
  } else if (is_print(r)) {
    append_rune(out, r);
    return;
  }
  switch (r) {
    case '\a': out += "\\a"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\v': out += "\\v"; return;
    default: break;
  }
  if (r < ' ' || r == 0x7F) {
    out += "\\x";
    out += kLowerHex[(r >> 4) & 0xF];
    out += kLowerHex[r & 0xF];
    return;
  }
  if (!valid_rune(r)) r = kRuneError;
  if (r < 0x10000) {
    out += "\\u";
    for (int s = 12; s >= 0; s -= 4) out += kLowerHex[(r >> s) & 0xF];
  } else {
    out += "\\U";
    for (int s = 28; s >= 0; s -= 4) out += kLowerHex[(r >> s) & 0xF];
  }
}
}  // namespace

void quote(std::string& out, std::string_view s, bool ascii_only) {
  out += '"';
  for (size_t i = 0; i < s.size();) {
    Rune r = decode_rune(s, i);
    if (r.size == 1 && r.r == kRuneError) {
      out += "\\x";
      auto c = static_cast<unsigned char>(s[i]);
      out += kLowerHex[c >> 4];
      out += kLowerHex[c & 0xF];
      i += 1;
      continue;
    }
    append_escaped_rune(out, r.r, '"', ascii_only);
    i += r.size;
  }
  out += '"';
}

std::string quote(std::string_view s) {
  std::string out;
  quote(out, s);
  return out;
}

void quote_rune(std::string& out, int32_t r, bool ascii_only) {
  if (!valid_rune(r)) r = kRuneError;
  out += '\'';
  append_escaped_rune(out, r, '\'', ascii_only);
  out += '\'';
}

bool can_backquote(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    Rune r = decode_rune(s, i);
    i += r.size;
    if (r.size > 1) {
      if (r.r == 0xFEFF) return false;
      continue;
    }
    if (r.r == kRuneError) return false;
    if ((r.r < ' ' && r.r != '\t') || r.r == '`' || r.r == 0x7F) return false;
  }
  return true;
}

// ---------------------------------------------------------------- float formatting

namespace {

struct Digits {
  std::string d;  // decimal digits, no leading/trailing zeros
  int dp = 0;     // decimal point position
};

// Parses the output of std::to_chars(scientific): "d[.ddd]e±XX".
void digits_from_scientific(const char* b, const char* e, Digits& out) {
  out.d.clear();
  const char* p = b;
  while (p < e && *p != 'e') {
    if (*p != '.') out.d += *p;
    ++p;
  }
  int exp = 0;
  if (p < e) {
    ++p;
    bool neg = false;
    if (*p == '+' || *p == '-') {
      neg = *p == '-';
      ++p;
    }
    while (p < e) exp = exp * 10 + (*p++ - '0');
    if (neg) exp = -exp;
  }
  // trim trailing zeros
  while (!out.d.empty() && out.d.back() == '0') out.d.pop_back();
  if (out.d.empty()) {
    out.dp = 0;
    return;
  }
  out.dp = exp + 1;
}

void shortest_digits(double v, Digits& out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  digits_from_scientific(buf, r.ptr, out);
}

void fixed_digits(double v, int n, Digits& out) {  // n significant digits, n >= 1
  std::string buf(static_cast<size_t>(n) + 32, '\0');
  auto r = std::to_chars(buf.data(), buf.data() + buf.size(), v, std::chars_format::scientific, n - 1);
  digits_from_scientific(buf.data(), r.ptr, out);
}

char digit_at(const Digits& d, int i) { return i >= 0 && i < static_cast<int>(d.d.size()) ? d.d[i] : '0'; }

void fmt_e(std::string& out, bool neg, const Digits& d, int prec, char fmt) {
  if (neg) out += '-';
  out += d.d.empty() ? '0' : d.d[0];
  if (prec > 0) {
    out += '.';
    int i = 1;
    int m = std::min(static_cast<int>(d.d.size()), prec + 1);
    if (i < m) {
      out.append(d.d, 1, static_cast<size_t>(m - 1));
      i = m;
    }
    for (; i <= prec; ++i) out += '0';
  }
  out += fmt;
  int exp = d.dp - 1;
  if (d.d.empty()) exp = 0;
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  if (exp < 10) {
    out += '0';
    out += static_cast<char>('0' + exp);
  } else if (exp < 100) {
    out += static_cast<char>('0' + exp / 10);
    out += static_cast<char>('0' + exp % 10);
  } else {
    out += static_cast<char>('0' + exp / 100);
    out += static_cast<char>('0' + (exp / 10) % 10);
    out += static_cast<char>('0' + exp % 10);
  }
}

void fmt_f(std::string& out, bool neg, const Digits& d, int prec) {
  if (neg) out += '-';
  if (d.dp > 0) {
    int m = std::min(static_cast<int>(d.d.size()), d.dp);
    out.append(d.d, 0, static_cast<size_t>(m));
    for (; m < d.dp; ++m) out += '0';
  } else {
    out += '0';
  }
  if (prec > 0) {
    out += '.';
    for (int i = 1; i <= prec; ++i) out += digit_at(d, d.dp + i - 1);
  }
}

void fmt_b(std::string& out, bool neg, uint64_t mant, int exp) {
  if (neg) out += '-';
  out += std::to_string(mant);
  out += 'p';
  exp -= 52;
  if (exp >= 0) out += '+';
  out += std::to_string(exp);
}

void fmt_x(std::string& out, int prec, char fmt, bool neg, uint64_t mant, int exp) {
  if (mant == 0) exp = 0;
  mant <<= 60 - 52;
  while (mant != 0 && (mant & (uint64_t{1} << 60)) == 0) {
    mant <<= 1;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    unsigned shift = static_cast<unsigned>(prec * 4);
    uint64_t extra = (mant << shift) & ((uint64_t{1} << 60) - 1);
    mant >>= 60 - shift;
    if ((extra | (mant & 1)) > (uint64_t{1} << 59)) mant++;
    mant <<= 60 - shift;
    if (mant & (uint64_t{1} << 61)) {
      mant >>= 1;
      exp++;
    }
  }
  const char* hex = fmt == 'X' ? kUpperHex : kLowerHex;
  if (neg) out += '-';
  out += '0';
  out += fmt;
  out += static_cast<char>('0' + ((mant >> 60) & 1));
  mant <<= 4;
  if (prec < 0 && mant != 0) {
    out += '.';
    while (mant != 0) {
      out += hex[(mant >> 60) & 15];
      mant <<= 4;
    }
  } else if (prec > 0) {
    out += '.';
    for (int i = 0; i < prec; ++i) {
      out += hex[(mant >> 60) & 15];
      mant <<= 4;
    }
  }
  out += fmt == 'X' ? 'P' : 'p';
  if (exp < 0) {
    out += '-';
    exp = -exp;
  } else {
    out += '+';
  }
  if (exp < 100) {
    out += static_cast<char>('0' + exp / 10);
    out += static_cast<char>('0' + exp % 10);
  } else if (exp < 1000) {
    out += static_cast<char>('0' + exp / 100);
    out += static_cast<char>('0' + (exp / 10) % 10);
    out += static_cast<char>('0' + exp % 10);
  } else {
    out += static_cast<char>('0' + exp / 1000);
    out += static_cast<char>('0' + (exp / 100) % 10);
    out += static_cast<char>('0' + (exp / 10) % 10);
    out += static_cast<char>('0' + exp % 10);
  }
}

}  // namespace

void format_float(std::string& out, double v, char fmt, int prec) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  bool neg = (bits >> 63) != 0;
  int exp = static_cast<int>((bits >> 52) & 0x7FF);
  uint64_t mant = bits & ((uint64_t{1} << 52) - 1);
  if (exp == 0x7FF) {
    if (mant != 0) {
      out += "NaN";
    } else {
      out += neg ? "-Inf" : "+Inf";
    }
    return;
  }
  if (exp == 0) {
    exp++;
  } else {
    mant |= uint64_t{1} << 52;
  }
  exp += -1023;
  if (fmt == 'b') {
    fmt_b(out, neg, mant, exp);
    return;
  }
  if (fmt == 'x' || fmt == 'X') {
    fmt_x(out, prec, fmt, neg, mant, exp);
    return;
  }
  double a = std::fabs(v);
  Digits d;
  bool shortest = prec < 0;
  if (shortest) {
    if (a != 0) shortest_digits(a, d);
    switch (fmt) {
      case 'e': case 'E': prec = std::max(static_cast<int>(d.d.size()) - 1, 0); break;
      case 'f': prec = std::max(static_cast<int>(d.d.size()) - d.dp, 0); break;
      case 'g': case 'G': prec = static_cast<int>(d.d.size()); break;
      default: break;
    }
  } else if (fmt == 'f') {
    // Exact rounding at dp+prec: let to_chars do it.
    // A double has at most 1074 fractional digits: compute those exactly, pad the rest.
    int exact = std::min(prec, 1100);
    std::string buf(static_cast<size_t>(exact) + 330, '\0');
    auto r = std::to_chars(buf.data(), buf.data() + buf.size(), a, std::chars_format::fixed, exact);
    if (neg) out += '-';
    out.append(buf.data(), r.ptr);
    if (prec > exact) out.append(static_cast<size_t>(prec - exact), '0');
    return;
  } else {
    int digits = prec;
    if (fmt == 'e' || fmt == 'E') {
      digits++;
    } else if (fmt == 'g' || fmt == 'G') {
      if (prec == 0) prec = 1;
      digits = prec;
    } else {
      digits = 1;
    }
    // At most 767 significant digits are non-zero; more never changes the rounding.
    if (a != 0) fixed_digits(a, std::min(digits, 800), d);
  }
  int nd = static_cast<int>(d.d.size());
  switch (fmt) {
    case 'e': case 'E':
      fmt_e(out, neg, d, prec, fmt);
      return;
    case 'f':
      fmt_f(out, neg, d, prec);
      return;
    case 'g': case 'G': {
      int eprec = prec;
      if (eprec > nd && nd >= d.dp) eprec = nd;
      if (shortest) eprec = 6;
      int e = d.dp - 1;
      if (e < -4 || e >= eprec) {
        if (prec > nd) prec = nd;
        fmt_e(out, neg, d, prec - 1, static_cast<char>(fmt + 'e' - 'g'));
        return;
      }
      if (prec > d.dp) prec = nd;
      fmt_f(out, neg, d, std::max(prec - d.dp, 0));
      return;
    }
    default:
      out += '%';
      out += fmt;
      return;
  }
}

std::string format_float(double v, char fmt, int prec) {
  std::string s;
  format_float(s, v, fmt, prec);
  return s;
}

// ---------------------------------------------------------------- fmt

namespace {

struct Flags {
  bool wid_present = false, prec_present = false, minus = false, plus = false, sharp = false, space = false,
       zero = false, plus_v = false, sharp_v = false;
};

class Printer {
 public:
  explicit Printer(std::string& out) : buf_(out) {}

  Flags f;
  int wid = 0;
  int prec = 0;

  void clear_flags() { f = Flags{}; }

  void write_padding(int n) {
    if (n <= 0) return;
    buf_.append(static_cast<size_t>(n), f.zero ? '0' : ' ');
  }

  void pad(std::string_view s) {
    if (!f.wid_present || wid == 0) {
      buf_ += s;
      return;
    }
    int width = wid - static_cast<int>(rune_count(s));
    if (!f.minus) {
      write_padding(width);
      buf_ += s;
    } else {
      buf_ += s;
      write_padding(width);
    }
  }

  void fmt_boolean(bool v) { pad(v ? "true" : "false"); }

  void fmt_unicode(uint64_t u) {
    std::string b;
    int p = 4;
    if (f.prec_present && prec > 4) p = prec;
    std::string digits;
    uint64_t x = u;
    do {
      digits += kUpperHex[x & 0xF];
      x >>= 4;
    } while (x != 0);
    while (static_cast<int>(digits.size()) < p) digits += '0';
    b = "U+";
    b.append(digits.rbegin(), digits.rend());
    if (f.sharp && u <= static_cast<uint64_t>(kMaxRune) && is_print(static_cast<int32_t>(u))) {
      b += " '";
      append_rune(b, static_cast<int32_t>(u));
      b += '\'';
    }
    bool old = f.zero;
    f.zero = false;
    pad(b);
    f.zero = old;
  }

  void fmt_integer(uint64_t u, int base, bool is_signed, char32_t verb, const char* digits) {
    bool negative = is_signed && static_cast<int64_t>(u) < 0;
    if (negative) u = -u;
    int p = 0;
    if (f.prec_present) {
      p = prec;
      if (p == 0 && u == 0) {
        bool old = f.zero;
        f.zero = false;
        write_padding(wid);
        f.zero = old;
        return;
      }
    } else if (f.zero && f.wid_present) {
      p = wid;
      if (negative || f.plus || f.space) p--;
    }
    std::string rev;  // digits in reverse
    switch (base) {
      case 10:
        while (u >= 10) {
          rev += static_cast<char>('0' + u % 10);
          u /= 10;
        }
        break;
      case 16:
        while (u >= 16) {
          rev += digits[u & 0xF];
          u >>= 4;
        }
        break;
      case 8:
        while (u >= 8) {
          rev += static_cast<char>('0' + (u & 7));
          u >>= 3;
        }
        break;
      case 2:
        while (u >= 2) {
          rev += static_cast<char>('0' + (u & 1));
          u >>= 1;
        }
        break;
      default:
        break;
    }
    rev += digits[u];
    size_t zeros = p > static_cast<int>(rev.size()) ? static_cast<size_t>(p) - rev.size() : 0;
    std::string prefix;
    if (negative) {
      prefix += '-';
    } else if (f.plus) {
      prefix += '+';
    } else if (f.space) {
      prefix += ' ';
    }
    if (verb == 'O') prefix += "0o";
    if (f.sharp) {
      switch (base) {
        case 2: prefix += "0b"; break;
        case 8:
          if (zeros == 0 && rev.back() != '0') prefix += '0';
          break;
        case 16:
          prefix += '0';
          prefix += digits[16];
          break;
        default: break;
      }
    }
    std::string s;
    s.reserve(prefix.size() + zeros + rev.size());
    s += prefix;
    s.append(zeros, '0');
    s.append(rev.rbegin(), rev.rend());
    bool old = f.zero;
    f.zero = false;
    pad(s);
    f.zero = old;
  }

  std::string_view truncate(std::string_view s) const {
    if (f.prec_present) {
      int n = prec;
      for (size_t i = 0; i < s.size();) {
        n--;
        if (n < 0) return s.substr(0, i);
        i += static_cast<unsigned char>(s[i]) < 0x80 ? 1 : static_cast<size_t>(decode_rune(s, i).size);
      }
    }
    return s;
  }

  void fmt_s(std::string_view s) { pad(truncate(s)); }

  void fmt_sx(std::string_view s, const char* digits) {
    int length = static_cast<int>(s.size());
    if (f.prec_present && prec < length) length = prec;
    int width = 2 * length;
    if (width > 0) {
      if (f.space) {
        if (f.sharp) width *= 2;
        width += length - 1;
      } else if (f.sharp) {
        width += 2;
      }
    } else {
      if (f.wid_present) write_padding(wid);
      return;
    }
    if (f.wid_present && wid > width && !f.minus) write_padding(wid - width);
    if (f.sharp) {
      buf_ += '0';
      buf_ += digits[16];
    }
    for (int i = 0; i < length; ++i) {
      if (f.space && i > 0) {
        buf_ += ' ';
        if (f.sharp) {
          buf_ += '0';
          buf_ += digits[16];
        }
      }
      auto c = static_cast<unsigned char>(s[static_cast<size_t>(i)]);
      buf_ += digits[c >> 4];
      buf_ += digits[c & 0xF];
    }
    if (f.wid_present && wid > width && f.minus) write_padding(wid - width);
  }

  void fmt_q(std::string_view s) {
    s = truncate(s);
    if (f.sharp && can_backquote(s)) {
      std::string b = "`";
      b += s;
      b += '`';
      pad(b);
      return;
    }
    std::string b;
    quote(b, s, f.plus);
    pad(b);
  }

  void fmt_c(uint64_t c) {
    int32_t r = c > static_cast<uint64_t>(kMaxRune) ? kRuneError : static_cast<int32_t>(c);
    std::string b;
    append_rune(b, r);
    pad(b);
  }

  void fmt_qc(uint64_t c) {
    int32_t r = c > static_cast<uint64_t>(kMaxRune) ? kRuneError : static_cast<int32_t>(c);
    std::string b;
    quote_rune(b, r, f.plus);
    pad(b);
  }

  void fmt_float_raw(double v, char verb, int p) {
    if (f.prec_present) p = prec;
    std::string num = "+";
    format_float(num, v, verb, p);
    if (num[1] == '-' || num[1] == '+') {
      num.erase(0, 1);
    } else {
      num[0] = '+';
    }
    if (f.space && num[0] == '+' && !f.plus) num[0] = ' ';
    if (num[1] == 'I' || num[1] == 'N') {
      bool old = f.zero;
      f.zero = false;
      if (num[1] == 'N' && !f.space && !f.plus) num.erase(0, 1);
      pad(num);
      f.zero = old;
      return;
    }
    if (f.sharp && verb != 'b') {
      int digits = 0;
      switch (verb) {
        case 'v': case 'g': case 'G': case 'x':
          digits = p;
          if (digits == -1) digits = 6;
          break;
        default: break;
      }
      std::string tail;
      bool has_dp = false, saw_nonzero = false;
      for (size_t i = 1; i < num.size(); ++i) {
        char c = num[i];
        if (c == '.') {
          has_dp = true;
          continue;
        }
        if (c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')) {
          tail = num.substr(i);
          num.resize(i);
          break;
        }
        if (c != '0') saw_nonzero = true;
        if (saw_nonzero) digits--;
      }
      if (!has_dp) {
        if (num.size() == 2 && num[1] == '0') digits--;
        num += '.';
      }
      while (digits > 0) {
        num += '0';
        digits--;
      }
      num += tail;
    }
    if (f.plus || num[0] != '+') {
      if (f.zero && f.wid_present && wid > static_cast<int>(num.size())) {
        buf_ += num[0];
        write_padding(wid - static_cast<int>(num.size()));
        buf_.append(num, 1);
        return;
      }
      pad(num);
      return;
    }
    pad(std::string_view(num).substr(1));
  }

  // ---- pp level

  // The argument being printed, for bad-verb messages.
  const Value* arg_ = nullptr;

  void bad_verb(char32_t verb) {
    buf_ += "%!";
    append_rune(buf_, static_cast<int32_t>(verb));
    buf_ += '(';
    if (arg_ != nullptr && !arg_->is_nil_like()) {
      const Value a = *arg_;
      buf_ += go_type_name(a);
      buf_ += '=';
      print_arg(a, 'v');
    } else {
      buf_ += "<nil>";
    }
    buf_ += ')';
  }

  void fmt_bool(bool v, char32_t verb) {
    if (verb == 't' || verb == 'v') {
      fmt_boolean(v);
    } else {
      bad_verb(verb);
    }
  }

  void fmt_0x64(uint64_t v, bool leading0x) {
    bool sharp = f.sharp;
    f.sharp = leading0x;
    fmt_integer(v, 16, false, 'v', kLowerHex16());
    f.sharp = sharp;
  }

  static const char* kLowerHex16() { return "0123456789abcdefx"; }
  static const char* kUpperHex16() { return "0123456789ABCDEFX"; }

  void fmt_int(uint64_t v, bool is_signed, char32_t verb) {
    switch (verb) {
      case 'v':
        if (f.sharp_v && !is_signed) {
          fmt_0x64(v, true);
        } else {
          fmt_integer(v, 10, is_signed, verb, kLowerHex16());
        }
        break;
      case 'd': fmt_integer(v, 10, is_signed, verb, kLowerHex16()); break;
      case 'b': fmt_integer(v, 2, is_signed, verb, kLowerHex16()); break;
      case 'o': case 'O': fmt_integer(v, 8, is_signed, verb, kLowerHex16()); break;
      case 'x': fmt_integer(v, 16, is_signed, verb, kLowerHex16()); break;
      case 'X': fmt_integer(v, 16, is_signed, verb, kUpperHex16()); break;
      case 'c': fmt_c(v); break;
      case 'q': fmt_qc(v); break;
      case 'U': fmt_unicode(v); break;
      default: bad_verb(verb); break;
    }
  }

  void fmt_float(double v, char32_t verb) {
    switch (verb) {
      case 'v': fmt_float_raw(v, 'g', -1); break;
      case 'b': case 'g': case 'G': case 'x': case 'X': fmt_float_raw(v, static_cast<char>(verb), -1); break;
      case 'f': case 'e': case 'E': fmt_float_raw(v, static_cast<char>(verb), 6); break;
      case 'F': fmt_float_raw(v, 'f', 6); break;
      default: bad_verb(verb); break;
    }
  }

  void fmt_string(std::string_view v, char32_t verb) {
    switch (verb) {
      case 'v':
        if (f.sharp_v) {
          fmt_q(v);
        } else {
          fmt_s(v);
        }
        break;
      case 's': fmt_s(v); break;
      case 'x': fmt_sx(v, kLowerHex16()); break;
      case 'X': fmt_sx(v, kUpperHex16()); break;
      case 'q': fmt_q(v); break;
      default: bad_verb(verb); break;
    }
  }

  // printArg: `a` is a Go interface{} argument (nil-like values are nil).
  void print_arg(const Value& a, char32_t verb) {
    arg_ = &a;
    if (a.is_nil_like()) {
      if (verb == 'T' || verb == 'v') {
        pad("<nil>");
      } else {
        bad_verb(verb);
      }
      return;
    }
    if (verb == 'T') {
      fmt_s(go_type_name(a));
      return;
    }
    print_value(a, verb, 0);
  }

  void print_value(const Value& v, char32_t verb, int depth) {
    arg_ = &v;
    switch (v.kind) {
      case Kind::Invalid:
      case Kind::Nil:
        if (depth == 0 && v.kind == Kind::Invalid) {
          buf_ += "<invalid reflect.Value>";
        } else if (f.sharp_v) {
          buf_ += "interface {}(nil)";
        } else {
          buf_ += "<nil>";
        }
        return;
      case Kind::Bool: fmt_bool(v.b, verb); return;
      case Kind::Int: fmt_int(static_cast<uint64_t>(v.i), true, verb); return;
      case Kind::Uint: fmt_int(v.u, false, verb); return;
      case Kind::Float: fmt_float(v.f, verb); return;
      case Kind::String: fmt_string(v.s, verb); return;
      case Kind::Map: {
        if (f.sharp_v) {
          buf_ += "map[string]interface {}{";
        } else {
          buf_ += "map[";
        }
        bool first = true;
        for (auto it = v.j->begin(); it != v.j->end(); ++it) {
          if (!first) {
            if (f.sharp_v) {
              buf_ += ", ";
            } else {
              buf_ += ' ';
            }
          }
          first = false;
          Value key = Value::of_sv(it.key());
          print_value(key, verb, depth + 1);
          buf_ += ':';
          Value elem = Value::from_json(*it, true, v.hold);
          print_value(elem, verb, depth + 1);
        }
        buf_ += f.sharp_v ? '}' : ']';
        return;
      }
      case Kind::List: {
        if (f.sharp_v) {
          buf_ += "[]interface {}{";
        } else {
          buf_ += '[';
        }
        bool first = true;
        for (const auto& e : *v.j) {
          if (!first) {
            if (f.sharp_v) {
              buf_ += ", ";
            } else {
              buf_ += ' ';
            }
          }
          first = false;
          Value elem = Value::from_json(e, true, v.hold);
          print_value(elem, verb, depth + 1);
        }
        buf_ += f.sharp_v ? '}' : ']';
        return;
      }
    }
  }

 private:
  std::string& buf_;
};

bool too_large(int x) { return x > 1000000 || x < -1000000; }

// parsenum: returns {num, isnum, newi}
struct ParsedNum {
  int num;
  bool isnum;
  size_t newi;
};
ParsedNum parsenum(std::string_view s, size_t start, size_t end) {
  if (start >= end) return {0, false, end};
  int num = 0;
  bool isnum = false;
  size_t i = start;
  for (; i < end && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (too_large(num)) return {0, false, end};
    num = num * 10 + (s[i] - '0');
    isnum = true;
  }
  return {num, isnum, i};
}

// intFromArg
struct IntArg {
  int num;
  bool is_int;
  size_t new_arg;
};
IntArg int_from_arg(const std::vector<Value>& a, size_t arg_num) {
  IntArg r{0, false, arg_num};
  if (arg_num < a.size()) {
    const Value& v = a[arg_num];
    if (v.kind == Kind::Int && v.i >= -1000000 && v.i <= 1000000) {
      r.num = static_cast<int>(v.i);
      r.is_int = true;
    } else if (v.kind == Kind::Uint && v.u <= 1000000) {
      r.num = static_cast<int>(v.u);
      r.is_int = true;
    }
    r.new_arg = arg_num + 1;
  }
  return r;
}

}  // namespace

namespace {
thread_local size_t t_format_limit = static_cast<size_t>(-1);
}

FormatLimit::FormatLimit(size_t limit) : saved(t_format_limit) { t_format_limit = limit; }
FormatLimit::~FormatLimit() { t_format_limit = saved; }
size_t format_limit() { return t_format_limit; }

void sprint(std::string& out, const std::vector<Value>& args) {
  Printer p(out);
  bool prev_string = false;
  for (size_t i = 0; i < args.size(); ++i) {
    bool is_string = args[i].kind == Kind::String;
    if (i > 0 && !is_string && !prev_string) out += ' ';
    p.clear_flags();
    p.print_arg(args[i], 'v');
    prev_string = is_string;
  }
}

void sprintln(std::string& out, const std::vector<Value>& args) {
  Printer p(out);
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    p.clear_flags();
    p.print_arg(args[i], 'v');
  }
  out += '\n';
}

void print_v(std::string& out, const Value& v) {
  switch (v.kind) {  // fast paths
    case Kind::String: out += v.s; return;
    case Kind::Int: {
      char b[24];
      auto r = std::to_chars(b, b + sizeof b, v.i);
      out.append(b, r.ptr);
      return;
    }
    case Kind::Bool: out += v.b ? "true" : "false"; return;
    default: break;
  }
  Printer p(out);
  p.print_arg(v, 'v');
}

bool sprintf(std::string& out, std::string_view format, const std::vector<Value>& a) {
  Printer p(out);
  size_t end = format.size();
  size_t arg_num = 0;
  bool after_index = false;
  bool reordered = false;
  bool good_arg_num = true;

  auto arg_number = [&](size_t an, size_t i, size_t num_args, size_t& new_an, size_t& new_i) -> bool {
    if (format.size() <= i || format[i] != '[') {
      new_an = an;
      new_i = i;
      return false;
    }
    reordered = true;
    // parseArgNumber(format[i:])
    std::string_view f = format.substr(i);
    int index = 0;
    size_t wid = 1;
    bool ok = false;
    if (f.size() >= 3) {
      for (size_t k = 1; k < f.size(); ++k) {
        if (f[k] == ']') {
          ParsedNum pn = parsenum(f, 1, k);
          if (!pn.isnum || pn.newi != k) {
            index = 0;
            wid = k + 1;
            ok = false;
          } else {
            index = pn.num - 1;
            wid = k + 1;
            ok = true;
          }
          break;
        }
      }
    }
    if (ok && 0 <= index && static_cast<size_t>(index) < num_args) {
      new_an = static_cast<size_t>(index);
      new_i = i + wid;
      return true;
    }
    good_arg_num = false;
    new_an = an;
    new_i = i + wid;
    return ok;
  };

  for (size_t i = 0; i < end;) {
    if (out.size() > t_format_limit) return false;
    good_arg_num = true;
    size_t lasti = i;
    while (i < end && format[i] != '%') ++i;
    if (i > lasti) out.append(format.substr(lasti, i - lasti));
    if (i >= end) break;
    ++i;  // skip %
    p.clear_flags();
    bool simple_done = false;
    for (; i < end; ++i) {
      char c = format[i];
      bool stop = false;
      switch (c) {
        case '#': p.f.sharp = true; break;
        case '0': p.f.zero = !p.f.minus; break;
        case '+': p.f.plus = true; break;
        case '-':
          p.f.minus = true;
          p.f.zero = false;
          break;
        case ' ': p.f.space = true; break;
        default:
          if (c >= 'a' && c <= 'z' && arg_num < a.size()) {
            if (c == 'v') {
              p.f.sharp_v = p.f.sharp;
              p.f.sharp = false;
              p.f.plus_v = p.f.plus;
              p.f.plus = false;
            }
            p.print_arg(a[arg_num], static_cast<char32_t>(c));
            arg_num++;
            i++;
            simple_done = true;
          }
          stop = true;
          break;
      }
      if (stop) break;
    }
    if (simple_done) continue;

    size_t ni = i;
    after_index = arg_number(arg_num, i, a.size(), arg_num, ni);
    i = ni;
    if (i < end && format[i] == '*') {
      i++;
      IntArg ia = int_from_arg(a, arg_num);
      p.wid = ia.num;
      p.f.wid_present = ia.is_int;
      arg_num = ia.new_arg;
      if (!p.f.wid_present) out += "%!(BADWIDTH)";
      if (p.wid < 0) {
        p.wid = -p.wid;
        p.f.minus = true;
        p.f.zero = false;
      }
      after_index = false;
    } else {
      ParsedNum pn = parsenum(format, i, end);
      p.wid = pn.num;
      p.f.wid_present = pn.isnum;
      i = pn.newi;
      if (after_index && p.f.wid_present) good_arg_num = false;
    }
    if (i + 1 < end && format[i] == '.') {
      i++;
      if (after_index) good_arg_num = false;
      after_index = arg_number(arg_num, i, a.size(), arg_num, ni);
      i = ni;
      if (i < end && format[i] == '*') {
        i++;
        IntArg ia = int_from_arg(a, arg_num);
        p.prec = ia.num;
        p.f.prec_present = ia.is_int;
        arg_num = ia.new_arg;
        if (p.prec < 0) {
          p.prec = 0;
          p.f.prec_present = false;
        }
        if (!p.f.prec_present) out += "%!(BADPREC)";
        after_index = false;
      } else {
        ParsedNum pn = parsenum(format, i, end);
        p.prec = pn.num;
        p.f.prec_present = pn.isnum;
        i = pn.newi;
        if (!p.f.prec_present) {
          p.prec = 0;
          p.f.prec_present = true;
        }
      }
    }
    if (!after_index) {
      after_index = arg_number(arg_num, i, a.size(), arg_num, ni);
      i = ni;
    }
    if (i >= end) {
      out += "%!(NOVERB)";
      break;
    }
    char32_t verb = static_cast<unsigned char>(format[i]);
    size_t size = 1;
    if (verb >= 0x80) {
      Rune r = decode_rune(format, i);
      verb = static_cast<char32_t>(r.r);
      size = static_cast<size_t>(r.size);
    }
    i += size;
    if (verb == '%') {
      out += '%';
    } else if (!good_arg_num) {
      out += "%!";
      append_rune(out, static_cast<int32_t>(verb));
      out += "(BADINDEX)";
    } else if (arg_num >= a.size()) {
      out += "%!";
      append_rune(out, static_cast<int32_t>(verb));
      out += "(MISSING)";
    } else {
      if (verb == 'v') {
        p.f.sharp_v = p.f.sharp;
        p.f.sharp = false;
        p.f.plus_v = p.f.plus;
        p.f.plus = false;
      }
      p.print_arg(a[arg_num], verb);
      arg_num++;
    }
  }
  if (!reordered && arg_num < a.size()) {
    p.clear_flags();
    out += "%!(EXTRA ";
    for (size_t k = arg_num; k < a.size(); ++k) {
      if (k > arg_num) out += ", ";
      if (a[k].is_nil_like()) {
        out += "<nil>";
      } else {
        out += go_type_name(a[k]);
        out += '=';
        p.print_arg(a[k], 'v');
      }
    }
    out += ')';
  }
  return out.size() <= t_format_limit;
}

}  // namespace tako::tmpl::gofmt
