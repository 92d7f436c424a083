// cel-go strings extension (latest version) and tako's lower/upper aliases.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "tako/cel/cel.h"
#include "tako/cel/interp.h"
#include "tako/cel/unicode.h"

namespace tako::cel {

namespace {

std::vector<uint32_t> to_cps(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  size_t i = 0;
  uint32_t cp;
  while (i < s.size()) {
    if (!decode_utf8(s, i, cp)) {
      cp = 0xFFFD;
      ++i;
    }
    out.push_back(cp);
  }
  return out;
}

std::string from_cps(const std::vector<uint32_t>& cps, size_t b, size_t e) {
  std::string out;
  for (size_t i = b; i < e; ++i) append_utf8(out, cps[i]);
  return out;
}

Value range_error(int64_t i) { return Value::error("index out of range: " + std::to_string(i)); }

bool is_str(const Value& v) { return v.is(Kind::String); }
bool is_int(const Value& v) { return v.is(Kind::Int); }

// Code-point index of the first match of `sub` in `cps` at or after `from`.
int64_t find_cps(const std::vector<uint32_t>& cps, const std::vector<uint32_t>& sub, size_t from) {
  if (sub.size() > cps.size()) return -1;
  for (size_t i = from; i + sub.size() <= cps.size(); ++i)
    if (std::equal(sub.begin(), sub.end(), cps.begin() + static_cast<std::ptrdiff_t>(i))) return static_cast<int64_t>(i);
  return -1;
}

// indexOf/lastIndexOf with an offset past the end (offsets count code points). cel-spec's
// string_ext conformance (value_errors/indexof_out_of_range) makes it an error for a non-empty
// substring, as charAt and substring do; the empty substring is found at the end
// ('tacocat'.indexOf('', 30) == 7, cel-go's strings tests).
Value past_end(const std::vector<uint32_t>& cps, const std::vector<uint32_t>& sub, int64_t off) {
  if (sub.empty()) return Value::integer(static_cast<int64_t>(cps.size()));
  return range_error(off);
}

bool is_unicode_space(uint32_t c) {
  switch (c) {
    case '\t': case '\n': case '\v': case '\f': case '\r': case ' ': case 0x85: case 0xA0: case 0x1680:
    case 0x2028: case 0x2029: case 0x202F: case 0x205F: case 0x3000:
      return true;
    default: return c >= 0x2000 && c <= 0x200A;
  }
}

}  // namespace

Value fn_char_at(const Value* a, size_t) {
  if (!is_str(a[0]) || !is_int(a[1])) return no_such_overload();
  auto cps = to_cps(a[0].str());
  int64_t i = a[1].as_int();
  if (i < 0 || static_cast<uint64_t>(i) > cps.size()) return range_error(i);
  if (static_cast<size_t>(i) == cps.size()) return Value::string("");
  std::string out;
  append_utf8(out, cps[static_cast<size_t>(i)]);
  return Value::string(std::move(out));
}

Value fn_index_of(const Value* a, size_t n) {
  if (!is_str(a[0]) || !is_str(a[1]) || (n == 3 && !is_int(a[2]))) return no_such_overload();
  auto cps = to_cps(a[0].str());
  auto sub = to_cps(a[1].str());
  int64_t off = n == 3 ? a[2].as_int() : 0;
  if (off < 0) return range_error(off);
  if (static_cast<uint64_t>(off) > cps.size()) return past_end(cps, sub, off);
  return Value::integer(find_cps(cps, sub, static_cast<size_t>(off)));
}

Value fn_last_index_of(const Value* a, size_t n) {
  if (!is_str(a[0]) || !is_str(a[1]) || (n == 3 && !is_int(a[2]))) return no_such_overload();
  auto cps = to_cps(a[0].str());
  auto sub = to_cps(a[1].str());
  int64_t off = n == 3 ? a[2].as_int() : static_cast<int64_t>(cps.size());
  if (off < 0) return range_error(off);
  if (static_cast<uint64_t>(off) > cps.size()) return past_end(cps, sub, off);
  if (sub.empty()) return Value::integer(off);
  if (sub.size() > cps.size()) return Value::integer(-1);
  size_t start = std::min(static_cast<size_t>(off), cps.size() - sub.size());
  for (size_t i = start + 1; i-- > 0;)
    if (std::equal(sub.begin(), sub.end(), cps.begin() + static_cast<std::ptrdiff_t>(i)))
      return Value::integer(static_cast<int64_t>(i));
  return Value::integer(-1);
}

Value fn_lower_ascii(const Value* a, size_t) {
  if (!is_str(a[0])) return no_such_overload();
  std::string s(a[0].str());
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return Value::string(std::move(s));
}

Value fn_upper_ascii(const Value* a, size_t) {
  if (!is_str(a[0])) return no_such_overload();
  std::string s(a[0].str());
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return Value::string(std::move(s));
}

Value fn_replace(const Value* a, size_t n) {
  if (!is_str(a[0]) || !is_str(a[1]) || !is_str(a[2]) || (n == 4 && !is_int(a[3]))) return no_such_overload();
  std::string_view s = a[0].str(), from = a[1].str(), to = a[2].str();
  int64_t limit = n == 4 ? a[3].as_int() : -1;
  std::string out;
  if (limit == 0) return a[0];
  if (from.empty()) {
    // Insert `to` at every code point boundary (Go strings.Replace).
    auto cps = to_cps(s);
    int64_t done = 0;
    for (size_t i = 0; i <= cps.size(); ++i) {
      if (limit < 0 || done < limit) {
        out.append(to);
        ++done;
      }
      if (i < cps.size()) append_utf8(out, cps[i]);
      check_size(out.size());
    }
    return make_string_checked(std::move(out));
  }
  size_t pos = 0;
  int64_t done = 0;
  while (limit < 0 || done < limit) {
    size_t f = s.find(from, pos);
    if (f == std::string_view::npos) break;
    out.append(s.substr(pos, f - pos)).append(to);
    check_size(out.size());
    pos = f + from.size();
    ++done;
  }
  out.append(s.substr(pos));
  return make_string_checked(std::move(out));
}

Value fn_split(const Value* a, size_t n) {
  if (!is_str(a[0]) || !is_str(a[1]) || (n == 3 && !is_int(a[2]))) return no_such_overload();
  std::string_view s = a[0].str(), sep = a[1].str();
  int64_t limit = n == 3 ? a[2].as_int() : -1;
  std::vector<Value> out;
  if (limit == 0) return Value::list({});
  if (limit == 1) return Value::list({a[0]});
  if (sep.empty()) {
    auto cps = to_cps(s);
    for (size_t i = 0; i < cps.size(); ++i) {
      if (limit > 0 && static_cast<int64_t>(out.size()) == limit - 1) {
        out.push_back(Value::string(from_cps(cps, i, cps.size())));
        break;
      }
      out.push_back(Value::string(from_cps(cps, i, i + 1)));
    }
    return make_list_checked(std::move(out));
  }
  size_t pos = 0;
  while (true) {
    if (limit > 0 && static_cast<int64_t>(out.size()) == limit - 1) break;
    size_t f = s.find(sep, pos);
    if (f == std::string_view::npos) break;
    out.push_back(Value::string(s.substr(pos, f - pos)));
    pos = f + sep.size();
  }
  out.push_back(Value::string(s.substr(pos)));
  return make_list_checked(std::move(out));
}

Value fn_substring(const Value* a, size_t n) {
  if (!is_str(a[0]) || !is_int(a[1]) || (n == 3 && !is_int(a[2]))) return no_such_overload();
  auto cps = to_cps(a[0].str());
  int64_t b = a[1].as_int();
  int64_t e = n == 3 ? a[2].as_int() : static_cast<int64_t>(cps.size());
  int64_t len = static_cast<int64_t>(cps.size());
  if (b < 0 || b > len) return range_error(b);
  if (e < 0 || e > len) return range_error(e);
  if (b > e) return Value::error("invalid substring range. start: " + std::to_string(b) + ", end: " + std::to_string(e));
  return Value::string(from_cps(cps, static_cast<size_t>(b), static_cast<size_t>(e)));
}

Value fn_trim(const Value* a, size_t) {
  if (!is_str(a[0])) return no_such_overload();
  auto cps = to_cps(a[0].str());
  size_t b = 0, e = cps.size();
  while (b < e && is_unicode_space(cps[b])) ++b;
  while (e > b && is_unicode_space(cps[e - 1])) --e;
  return Value::string(from_cps(cps, b, e));
}

Value fn_join(const Value* a, size_t n) {
  if (!a[0].is(Kind::List) || (n == 2 && !is_str(a[1]))) return no_such_overload();
  std::string_view sep = n == 2 ? a[1].str() : std::string_view();
  std::string out;
  bool first = true;
  for (const Value& e : a[0].list_items()) {
    if (!e.is(Kind::String)) return Value::error("join: list contains a non-string element");
    if (!first) out.append(sep);
    first = false;
    out.append(e.str());
    check_size(out.size());
  }
  return make_string_checked(std::move(out));
}

Value fn_reverse(const Value* a, size_t) {
  if (!is_str(a[0])) return no_such_overload();
  auto cps = to_cps(a[0].str());
  std::reverse(cps.begin(), cps.end());
  return Value::string(from_cps(cps, 0, cps.size()));
}

Value fn_quote(const Value* a, size_t) {
  if (!is_str(a[0])) return no_such_overload();
  std::string out;
  quote_string(out, a[0].str());
  return make_string_checked(std::move(out));
}

// ---------------------------------------------------------------------------
// format

namespace {

std::string plain_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  // shortest round-trip digits, never in exponent form (Go 'f', -1)
  std::string s = double_to_string(d);
  size_t e = s.find('e');
  if (e == std::string::npos) return s;
  bool neg = s[0] == '-';
  std::string mant = s.substr(neg ? 1 : 0, e - (neg ? 1 : 0));
  int exp = std::stoi(s.substr(e + 1));
  std::string digits;
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  std::string out;
  if (exp >= 0) {
    size_t il = static_cast<size_t>(exp) + 1;
    if (digits.size() <= il) out = digits + std::string(il - digits.size(), '0');
    else out = digits.substr(0, il) + "." + digits.substr(il);
  } else {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  }
  return (neg ? "-" : "") + out;
}

bool to_string_fmt(const Value& v, std::string& out, std::string& err);

bool to_string_fmt(const Value& v, std::string& out, std::string& err) {
  switch (v.kind()) {
    case Kind::Null: out += "null"; return true;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; return true;
    case Kind::Int: out += std::to_string(v.as_int()); return true;
    case Kind::Uint: out += std::to_string(v.as_uint()); return true;
    case Kind::Double: out += plain_double(v.as_double()); return true;
    case Kind::String:
    case Kind::Bytes: out += v.str(); return true;
    case Kind::Type: out += type_name(v.as_type()); return true;
    case Kind::Timestamp: out += timestamp_to_string(v.seconds(), v.nanos()); return true;
    case Kind::Duration: out += duration_to_string(v.seconds(), v.nanos()); return true;
    case Kind::List: {
      out += "[";
      bool first = true;
      for (const Value& e : v.list_items()) {
        if (!first) out += ", ";
        first = false;
        if (!to_string_fmt(e, out, err)) return false;
      }
      out += "]";
      return true;
    }
    case Kind::Map: {
      std::vector<std::pair<std::string, std::string>> kvs;
      for (const auto& [k, e] : v.map_rep().entries) {
        std::string ks, vs;
        if (!to_string_fmt(k, ks, err) || !to_string_fmt(e, vs, err)) return false;
        kvs.emplace_back(std::move(ks), std::move(vs));
      }
      std::sort(kvs.begin(), kvs.end());
      out += "{";
      bool first = true;
      for (const auto& [k, e] : kvs) {
        if (!first) out += ", ";
        first = false;
        out += k + ": " + e;
      }
      out += "}";
      return true;
    }
    case Kind::Net: out += net_to_string(v.net_rep()); return true;
    case Kind::Optional:
      if (!v.optional_has()) {
        out += "optional.none()";
        return true;
      }
      out += "optional.of(";
      if (!to_string_fmt(v.optional_value(), out, err)) return false;
      out += ")";
      return true;
    case Kind::Error: err = v.error_message(); return false;
  }
  return false;
}

std::string tname(const Value& v) { return std::string(type_name(v.type_of())); }

std::string int_in_base(const Value& v, int base, bool upper) {
  bool neg = false;
  uint64_t u;
  if (v.is(Kind::Int)) {
    neg = v.as_int() < 0;
    u = neg ? 0 - static_cast<uint64_t>(v.as_int()) : static_cast<uint64_t>(v.as_int());
  } else if (v.is(Kind::Bool)) {
    u = v.as_bool() ? 1 : 0;
  } else {
    u = v.as_uint();
  }
  const char* dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string s;
  do {
    s.push_back(dig[u % static_cast<uint64_t>(base)]);
    u /= static_cast<uint64_t>(base);
  } while (u);
  if (neg) s.push_back('-');
  std::reverse(s.begin(), s.end());
  return s;
}

bool as_double(const Value& v, double& d) {
  if (v.is(Kind::Double)) d = v.as_double();
  else if (v.is(Kind::Int)) d = static_cast<double>(v.as_int());
  else if (v.is(Kind::Uint)) d = static_cast<double>(v.as_uint());
  else return false;
  return true;
}

}  // namespace

Value fn_format(const Value* a, size_t) {
  if (!is_str(a[0]) || !a[1].is(Kind::List)) return no_such_overload();
  std::string_view f = a[0].str();
  const auto& args = a[1].list_items();
  std::string out;
  size_t argi = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    char c = f[i];
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (++i >= f.size()) return Value::error("unexpected end of string");
    if (f[i] == '%') {
      out.push_back('%');
      continue;
    }
    int precision = -1;
    if (f[i] == '.') {
      size_t j = i + 1;
      int64_t p = 0;
      while (j < f.size() && f[j] >= '0' && f[j] <= '9') {
        p = p * 10 + (f[j] - '0');
        if (p > 1000000000) p = 1000000000;
        ++j;
      }
      if (j >= f.size())
        return Value::error("could not parse formatting clause: error while parsing precision: could not find end of precision");
      if (p > 100)
        return Value::error("precision " + std::to_string(p) + " exceeds maximum allowed precision 100");
      precision = static_cast<int>(p);
      i = j;
    }
    char verb = f[i];
    if (std::string_view("sdfeboxX").find(verb) == std::string_view::npos)
      return Value::error(std::string("could not parse formatting clause: unrecognized formatting clause \"") + verb + "\"");
    if (argi >= args.size()) return Value::error("index " + std::to_string(argi) + " out of range");
    const Value& v = args[argi++];
    switch (verb) {
      case 's': {
        std::string err;
        if (!to_string_fmt(v, out, err)) return Value::error(err);
        break;
      }
      case 'd': {
        if (v.is(Kind::Int) || v.is(Kind::Uint)) {
          out += int_in_base(v, 10, false);
        } else if (v.is(Kind::Double) && !std::isfinite(v.as_double())) {
          out += plain_double(v.as_double());
        } else if (v.is(Kind::Double)) {
          char b[64];
          std::snprintf(b, sizeof b, "%.0f", v.as_double());
          out += b;
        } else {
          return Value::error("error during formatting: decimal clause can only be used on ints, uints, and doubles, was given " + tname(v));
        }
        break;
      }
      case 'f':
      case 'e': {
        double d;
        if (!as_double(v, d))
          return Value::error(std::string("error during formatting: ") +
                              (verb == 'f' ? "fixed-point" : "scientific") +
                              " clause can only be used on ints, uints, and doubles, was given " + tname(v));
        if (!std::isfinite(d)) {
          out += plain_double(d);
          break;
        }
        char fmt[16];
        std::snprintf(fmt, sizeof fmt, "%%.%d%c", precision < 0 ? 6 : precision, verb);
        std::vector<char> buf(512);
        int len = std::snprintf(buf.data(), buf.size(), fmt, d);
        if (len >= static_cast<int>(buf.size())) {
          buf.resize(static_cast<size_t>(len) + 1);
          std::snprintf(buf.data(), buf.size(), fmt, d);
        }
        out.append(buf.data(), static_cast<size_t>(len));
        break;
      }
      case 'b':
        if (!(v.is(Kind::Int) || v.is(Kind::Uint) || v.is(Kind::Bool)))
          return Value::error("error during formatting: only ints, uints, and bools can be formatted as binary, was given " + tname(v));
        out += int_in_base(v, 2, false);
        break;
      case 'o':
        if (!(v.is(Kind::Int) || v.is(Kind::Uint)))
          return Value::error("error during formatting: octal clause can only be used on ints and uints, was given " + tname(v));
        out += int_in_base(v, 8, false);
        break;
      case 'x':
      case 'X': {
        bool up = verb == 'X';
        if (v.is(Kind::Int) || v.is(Kind::Uint)) {
          out += int_in_base(v, 16, up);
        } else if (v.is(Kind::String) || v.is(Kind::Bytes)) {
          const char* dig = up ? "0123456789ABCDEF" : "0123456789abcdef";
          for (char ch : v.str()) {
            unsigned char u = static_cast<unsigned char>(ch);
            out.push_back(dig[u >> 4]);
            out.push_back(dig[u & 15]);
          }
        } else {
          return Value::error("error during formatting: only ints, uints, bytes, and strings can be formatted as hex, was given " + tname(v));
        }
        break;
      }
      default: break;
    }
    check_size(out.size());
  }
  if (argi < args.size())
    return Value::error("too many arguments supplied to string.format (expected " + std::to_string(argi) + ", got " +
                        std::to_string(args.size()) + ")");
  return make_string_checked(std::move(out));
}

}  // namespace tako::cel
