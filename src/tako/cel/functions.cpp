// Core builtin functions and conversions, and the function registry.
#include <charconv>
#include <cmath>
#include <cstring>

#include <re2/re2.h>

#include "tako/cel/cel.h"
#include "tako/cel/interp.h"
#include "tako/cel/unicode.h"

namespace tako::cel {

// Defined in strings_ext.cpp / semver_functions.cpp.
Value fn_char_at(const Value* a, size_t n);
Value fn_index_of(const Value* a, size_t n);
Value fn_last_index_of(const Value* a, size_t n);
Value fn_lower_ascii(const Value* a, size_t n);
Value fn_upper_ascii(const Value* a, size_t n);
Value fn_replace(const Value* a, size_t n);
Value fn_split(const Value* a, size_t n);
Value fn_substring(const Value* a, size_t n);
Value fn_trim(const Value* a, size_t n);
Value fn_join(const Value* a, size_t n);
Value fn_format(const Value* a, size_t n);
Value fn_quote(const Value* a, size_t n);
Value fn_reverse(const Value* a, size_t n);
Value fn_semver_major(const Value* a, size_t n);
Value fn_ip(const Value* a, size_t n);
Value fn_cidr(const Value* a, size_t n);
Value fn_is_ip(const Value* a, size_t n);
Value fn_ip_is_canonical(const Value* a, size_t n);
Value fn_family(const Value* a, size_t n);
Value fn_is_unspecified(const Value* a, size_t n);
Value fn_is_loopback(const Value* a, size_t n);
Value fn_is_link_local_multicast(const Value* a, size_t n);
Value fn_is_link_local_unicast(const Value* a, size_t n);
Value fn_is_global_unicast(const Value* a, size_t n);
Value fn_contains_ip(const Value* a, size_t n);
Value fn_contains_cidr(const Value* a, size_t n);
Value fn_masked(const Value* a, size_t n);
Value fn_prefix_length(const Value* a, size_t n);
Value fn_math_greatest(const Value* a, size_t n);
Value fn_math_least(const Value* a, size_t n);
Value fn_math_ceil(const Value* a, size_t n);
Value fn_math_floor(const Value* a, size_t n);
Value fn_math_round(const Value* a, size_t n);
Value fn_math_trunc(const Value* a, size_t n);
Value fn_math_abs(const Value* a, size_t n);
Value fn_math_sqrt(const Value* a, size_t n);
Value fn_math_sign(const Value* a, size_t n);
Value fn_math_is_nan(const Value* a, size_t n);
Value fn_math_is_inf(const Value* a, size_t n);
Value fn_math_is_finite(const Value* a, size_t n);
Value fn_math_bit_and(const Value* a, size_t n);
Value fn_math_bit_or(const Value* a, size_t n);
Value fn_math_bit_xor(const Value* a, size_t n);
Value fn_math_bit_not(const Value* a, size_t n);
Value fn_math_bit_shift_left(const Value* a, size_t n);
Value fn_math_bit_shift_right(const Value* a, size_t n);
Value fn_semver_minor(const Value* a, size_t n);
Value fn_semver_patch(const Value* a, size_t n);
Value fn_semver_compare(const Value* a, size_t n);
Value fn_semver_satisfies(const Value* a, size_t n);

Value make_string_checked(std::string&& s) {
  check_size(s.size());
  return Value::string(std::move(s));
}
Value make_bytes_checked(std::string&& s) {
  check_size(s.size());
  return Value::bytes(std::move(s));
}
Value make_list_checked(std::vector<Value>&& items) {
  check_size(items.size() * sizeof(Value));
  return Value::list(std::move(items));
}

namespace {

Value fn_size(const Value* a, size_t) {
  switch (a[0].kind()) {
    case Kind::String: return Value::integer(static_cast<int64_t>(utf8_length(a[0].str())));
    case Kind::Bytes: return Value::integer(static_cast<int64_t>(a[0].str().size()));
    case Kind::List: return Value::integer(static_cast<int64_t>(a[0].list_items().size()));
    case Kind::Map: return Value::integer(static_cast<int64_t>(a[0].map_rep().entries.size()));
    default: return no_such_overload();
  }
}

bool two_strings(const Value* a) { return a[0].is(Kind::String) && a[1].is(Kind::String); }

Value fn_contains(const Value* a, size_t) {
  if (!two_strings(a)) return no_such_overload();
  return Value::boolean(a[0].str().find(a[1].str()) != std::string_view::npos);
}
Value fn_starts_with(const Value* a, size_t) {
  if (!two_strings(a)) return no_such_overload();
  return Value::boolean(a[0].str().starts_with(a[1].str()));
}
Value fn_ends_with(const Value* a, size_t) {
  if (!two_strings(a)) return no_such_overload();
  return Value::boolean(a[0].str().ends_with(a[1].str()));
}
Value fn_matches(const Value* a, size_t) {
  if (!two_strings(a)) return no_such_overload();
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re(re2::StringPiece(a[1].str().data(), a[1].str().size()), opts);
  if (!re.ok()) return Value::error("invalid regular expression: " + re.error());
  return Value::boolean(RE2::PartialMatch(re2::StringPiece(a[0].str().data(), a[0].str().size()), re));
}

bool parse_int64(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  auto r = std::from_chars(b, e, out, 10);
  return r.ec == std::errc() && r.ptr == e;
}
bool parse_uint64(std::string_view s, uint64_t& out) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  if (*b == '+') ++b;
  if (b < e && *b == '-') return false;
  auto r = std::from_chars(b, e, out, 10);
  return r.ec == std::errc() && r.ptr == e;
}

Value fn_int(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::Int: return v;
    case Kind::Uint:
      if (v.as_uint() > static_cast<uint64_t>(INT64_MAX)) return Value::error("range error: int overflow");
      return Value::integer(static_cast<int64_t>(v.as_uint()));
    case Kind::Double: {
      double d = v.as_double();
      if (std::isnan(d) || d <= -9223372036854775808.0 || d >= 9223372036854775808.0)
        return Value::error("range error: double out of int range");
      return Value::integer(static_cast<int64_t>(d));
    }
    case Kind::String: {
      int64_t out;
      if (!parse_int64(v.str(), out)) return Value::error("type conversion error: invalid int '" + std::string(v.str()) + "'");
      return Value::integer(out);
    }
    case Kind::Timestamp: return Value::integer(v.seconds());
    default: return no_such_overload();
  }
}

Value fn_uint(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::Uint: return v;
    case Kind::Int:
      if (v.as_int() < 0) return Value::error("range error: uint overflow");
      return Value::uinteger(static_cast<uint64_t>(v.as_int()));
    case Kind::Double: {
      double d = v.as_double();
      if (std::isnan(d) || d < 0 || d >= 18446744073709551616.0)
        return Value::error("range error: double out of uint range");
      return Value::uinteger(static_cast<uint64_t>(d));
    }
    case Kind::String: {
      uint64_t out;
      if (!parse_uint64(v.str(), out)) return Value::error("type conversion error: invalid uint '" + std::string(v.str()) + "'");
      return Value::uinteger(out);
    }
    default: return no_such_overload();
  }
}

}  // namespace

bool parse_double_text(std::string_view s, double& out) {
  if (s.empty()) return false;
  std::string t(s);
  size_t i = 0;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    i = 1;
  }
  std::string rest = t.substr(i);
  std::string lower;
  for (char c : rest) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "nan") {
    out = std::nan("");
    return true;
  }
  if (lower == "inf" || lower == "infinity") {
    out = neg ? -INFINITY : INFINITY;
    return true;
  }
  if (rest.empty() || !(std::isdigit(static_cast<unsigned char>(rest[0])) || rest[0] == '.')) return false;
  double d = 0;
  auto r = std::from_chars(rest.data(), rest.data() + rest.size(), d);
  if (r.ptr != rest.data() + rest.size()) return false;
  if (r.ec == std::errc::result_out_of_range) {
    d = std::strtod(rest.c_str(), nullptr);
  } else if (r.ec != std::errc()) {
    return false;
  }
  out = neg ? -d : d;
  return true;
}

namespace {

Value fn_double(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::Double: return v;
    case Kind::Int: return Value::dbl(static_cast<double>(v.as_int()));
    case Kind::Uint: return Value::dbl(static_cast<double>(v.as_uint()));
    case Kind::String: {
      double d;
      if (!parse_double_text(v.str(), d))
        return Value::error("type conversion error: invalid double '" + std::string(v.str()) + "'");
      return Value::dbl(d);
    }
    default: return no_such_overload();
  }
}

Value fn_string(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::String: return v;
    case Kind::Int: return Value::string(std::to_string(v.as_int()));
    case Kind::Uint: return Value::string(std::to_string(v.as_uint()));
    case Kind::Double: return Value::string(double_to_string(v.as_double()));
    case Kind::Bool: return Value::string(v.as_bool() ? "true" : "false");
    case Kind::Bytes:
      if (!valid_utf8(v.str())) return Value::error("invalid UTF-8 in bytes, cannot convert to string");
      return Value::string(v.str());
    case Kind::Timestamp: return Value::string(timestamp_to_string(v.seconds(), v.nanos()));
    case Kind::Duration: return Value::string(duration_to_string(v.seconds(), v.nanos()));
    case Kind::Type: return Value::string(type_name(v.as_type()));
    case Kind::Null: return Value::string("null");
    case Kind::Net: return Value::string(net_to_string(v.net_rep()));
    default: return no_such_overload();
  }
}

Value fn_bytes(const Value* a, size_t) {
  const Value& v = a[0];
  if (v.is(Kind::Bytes)) return v;
  if (v.is(Kind::String)) return Value::bytes(v.str());
  return no_such_overload();
}

Value fn_bool(const Value* a, size_t) {
  const Value& v = a[0];
  if (v.is(Kind::Bool)) return v;
  if (!v.is(Kind::String)) return no_such_overload();
  std::string_view s = v.str();
  if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return Value::boolean(true);
  if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") return Value::boolean(false);
  return Value::error("type conversion error: invalid bool '" + std::string(s) + "'");
}

Value fn_dyn(const Value* a, size_t) { return a[0]; }
Value fn_type(const Value* a, size_t) { return Value::type(a[0].type_of()); }

Value fn_timestamp(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::Timestamp: return v;
    case Kind::String: return parse_timestamp(v.str());
    case Kind::Int: return make_timestamp_checked(static_cast<__int128>(v.as_int()) * 1000000000);
    default: return no_such_overload();
  }
}

Value fn_duration(const Value* a, size_t) {
  const Value& v = a[0];
  switch (v.kind()) {
    case Kind::Duration: return v;
    case Kind::String: return parse_duration(v.str());
    case Kind::Int: return make_duration_checked(v.as_int());
    default: return no_such_overload();
  }
}

#define TAKO_TS_GETTER(fname, name)                                                  \
  Value fname(const Value* a, size_t n) {                                             \
    if (a[0].is(Kind::Duration) && n == 1) return duration_getter(name, a[0]);        \
    if (!a[0].is(Kind::Timestamp)) return no_such_overload();                         \
    return timestamp_getter(name, a, n);                                              \
  }
TAKO_TS_GETTER(fn_get_full_year, "getFullYear")
TAKO_TS_GETTER(fn_get_month, "getMonth")
TAKO_TS_GETTER(fn_get_date, "getDate")
TAKO_TS_GETTER(fn_get_day_of_month, "getDayOfMonth")
TAKO_TS_GETTER(fn_get_day_of_year, "getDayOfYear")
TAKO_TS_GETTER(fn_get_day_of_week, "getDayOfWeek")
TAKO_TS_GETTER(fn_get_hours, "getHours")
TAKO_TS_GETTER(fn_get_minutes, "getMinutes")
TAKO_TS_GETTER(fn_get_seconds, "getSeconds")
TAKO_TS_GETTER(fn_get_milliseconds, "getMilliseconds")
#undef TAKO_TS_GETTER

Value fn_base64_encode(const Value* a, size_t) {
  if (!a[0].is(Kind::Bytes)) return no_such_overload();
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string_view s = a[0].str();
  std::string out;
  for (size_t i = 0; i < s.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    if (i + 1 < s.size()) n |= static_cast<unsigned char>(s[i + 1]) << 8;
    if (i + 2 < s.size()) n |= static_cast<unsigned char>(s[i + 2]);
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += i + 1 < s.size() ? tbl[(n >> 6) & 63] : '=';
    out += i + 2 < s.size() ? tbl[n & 63] : '=';
  }
  return make_string_checked(std::move(out));
}

Value fn_base64_decode(const Value* a, size_t) {
  if (!a[0].is(Kind::String)) return no_such_overload();
  std::string_view s = a[0].str();
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return Value::error("base64: illegal character in input");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  if (s.size() % 4 == 1) return Value::error("base64: illegal input length");
  return Value::bytes(std::move(out));
}

bool is_zero_value(const Value& v) {
  switch (v.kind()) {
    case Kind::Null: return true;
    case Kind::Bool: return !v.as_bool();
    case Kind::Int: return v.as_int() == 0;
    case Kind::Uint: return v.as_uint() == 0;
    case Kind::Double: return v.as_double() == 0;
    case Kind::String:
    case Kind::Bytes: return v.str().empty();
    case Kind::List: return v.list_items().empty();
    case Kind::Map: return v.map_rep().entries.empty();
    case Kind::Timestamp:
    case Kind::Duration: return v.seconds() == 0 && v.nanos() == 0;
    case Kind::Optional: return !v.optional_has();
    default: return false;
  }
}

Value fn_optional_of(const Value* a, size_t) { return Value::optional_of(a[0]); }
Value fn_optional_none(const Value*, size_t) { return Value::optional_none(); }
Value fn_optional_of_non_zero(const Value* a, size_t) {
  return is_zero_value(a[0]) ? Value::optional_none() : Value::optional_of(a[0]);
}
Value fn_has_value(const Value* a, size_t) {
  if (!a[0].is(Kind::Optional)) return no_such_overload();
  return Value::boolean(a[0].optional_has());
}
Value fn_value(const Value* a, size_t) {
  if (!a[0].is(Kind::Optional)) return no_such_overload();
  if (!a[0].optional_has()) return Value::error("optional.none() dereference");
  return a[0].optional_value();
}
Value fn_or(const Value* a, size_t) {
  if (!a[0].is(Kind::Optional) || !a[1].is(Kind::Optional)) return no_such_overload();
  return a[0].optional_has() ? a[0] : a[1];
}
Value fn_or_value(const Value* a, size_t) {
  if (!a[0].is(Kind::Optional)) return no_such_overload();
  return a[0].optional_has() ? a[0].optional_value() : a[1];
}

constexpr uint32_t A(int k) { return 1u << k; }

const FnDef kFunctions[] = {
    {"size", A(1), A(0), fn_size},
    {"contains", 0, A(1), fn_contains},
    {"startsWith", 0, A(1), fn_starts_with},
    {"endsWith", 0, A(1), fn_ends_with},
    {"matches", A(2), A(1), fn_matches},
    {"int", A(1), 0, fn_int},
    {"uint", A(1), 0, fn_uint},
    {"double", A(1), 0, fn_double},
    {"string", A(1), 0, fn_string},
    {"bytes", A(1), 0, fn_bytes},
    {"bool", A(1), 0, fn_bool},
    {"dyn", A(1), 0, fn_dyn},
    {"type", A(1), 0, fn_type},
    {"timestamp", A(1), 0, fn_timestamp},
    {"duration", A(1), 0, fn_duration},
    {"getFullYear", 0, A(0) | A(1), fn_get_full_year},
    {"getMonth", 0, A(0) | A(1), fn_get_month},
    {"getDate", 0, A(0) | A(1), fn_get_date},
    {"getDayOfMonth", 0, A(0) | A(1), fn_get_day_of_month},
    {"getDayOfYear", 0, A(0) | A(1), fn_get_day_of_year},
    {"getDayOfWeek", 0, A(0) | A(1), fn_get_day_of_week},
    {"getHours", 0, A(0) | A(1), fn_get_hours},
    {"getMinutes", 0, A(0) | A(1), fn_get_minutes},
    {"getSeconds", 0, A(0) | A(1), fn_get_seconds},
    {"getMilliseconds", 0, A(0) | A(1), fn_get_milliseconds},
    // cel-go strings extension
    {"charAt", 0, A(1), fn_char_at},
    {"indexOf", 0, A(1) | A(2), fn_index_of},
    {"lastIndexOf", 0, A(1) | A(2), fn_last_index_of},
    {"lowerAscii", 0, A(0), fn_lower_ascii},
    {"upperAscii", 0, A(0), fn_upper_ascii},
    {"replace", 0, A(2) | A(3), fn_replace},
    {"split", 0, A(1) | A(2), fn_split},
    {"substring", 0, A(1) | A(2), fn_substring},
    {"trim", 0, A(0), fn_trim},
    {"join", 0, A(0) | A(1), fn_join},
    {"format", 0, A(1), fn_format},
    {"strings.quote", A(1), 0, fn_quote},
    {"reverse", 0, A(0), fn_reverse},
    // tako aliases
    {"lower", A(1), A(0), fn_lower_ascii},
    {"upper", A(1), A(0), fn_upper_ascii},
    // optional types
    {"optional.of", A(1), 0, fn_optional_of},
    {"optional.none", A(0), 0, fn_optional_none},
    {"optional.ofNonZeroValue", A(1), 0, fn_optional_of_non_zero},
    {"hasValue", 0, A(0), fn_has_value},
    {"value", 0, A(0), fn_value},
    {"or", 0, A(1), fn_or},
    {"orValue", 0, A(1), fn_or_value},
    // network extension
    {"ip", A(1), A(0), fn_ip},
    {"cidr", A(1), 0, fn_cidr},
    {"isIP", A(1), 0, fn_is_ip},
    {"ip.isCanonical", A(1), 0, fn_ip_is_canonical},
    {"family", 0, A(0), fn_family},
    {"isUnspecified", 0, A(0), fn_is_unspecified},
    {"isLoopback", 0, A(0), fn_is_loopback},
    {"isGlobalUnicast", 0, A(0), fn_is_global_unicast},
    {"isLinkLocalMulticast", 0, A(0), fn_is_link_local_multicast},
    {"isLinkLocalUnicast", 0, A(0), fn_is_link_local_unicast},
    {"containsIP", 0, A(1), fn_contains_ip},
    {"containsCIDR", 0, A(1), fn_contains_cidr},
    {"masked", 0, A(0), fn_masked},
    {"prefixLength", 0, A(0), fn_prefix_length},
    // encoders extension
    {"base64.encode", A(1), 0, fn_base64_encode},
    {"base64.decode", A(1), 0, fn_base64_decode},
    // math extension
    {"math.greatest", ~1u, 0, fn_math_greatest},
    {"math.least", ~1u, 0, fn_math_least},
    {"math.ceil", A(1), 0, fn_math_ceil},
    {"math.floor", A(1), 0, fn_math_floor},
    {"math.round", A(1), 0, fn_math_round},
    {"math.trunc", A(1), 0, fn_math_trunc},
    {"math.abs", A(1), 0, fn_math_abs},
    {"math.sqrt", A(1), 0, fn_math_sqrt},
    {"math.sign", A(1), 0, fn_math_sign},
    {"math.isNaN", A(1), 0, fn_math_is_nan},
    {"math.isInf", A(1), 0, fn_math_is_inf},
    {"math.isFinite", A(1), 0, fn_math_is_finite},
    {"math.bitAnd", A(2), 0, fn_math_bit_and},
    {"math.bitOr", A(2), 0, fn_math_bit_or},
    {"math.bitXor", A(2), 0, fn_math_bit_xor},
    {"math.bitNot", A(1), 0, fn_math_bit_not},
    {"math.bitShiftLeft", A(2), 0, fn_math_bit_shift_left},
    {"math.bitShiftRight", A(2), 0, fn_math_bit_shift_right},
    // tako semver
    {"semver.major", A(1), 0, fn_semver_major},
    {"semver.minor", A(1), 0, fn_semver_minor},
    {"semver.patch", A(1), 0, fn_semver_patch},
    {"semver.compare", A(2), 0, fn_semver_compare},
    {"semver.satisfies", A(2), 0, fn_semver_satisfies},
};

}  // namespace

const FnDef* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace tako::cel
