// Output of values (REFERENCE.md §9.6) and double formatting.
#include <charconv>
#include <cmath>
#include <cstdio>

#include "tako/cel/cel.h"
#include "tako/cel/interp.h"

namespace tako::cel {

namespace {

// Shortest round-trip digits and decimal exponent: d = 0.D * 10^(exp+1), i.e.
// D[0].D[1..] * 10^exp. `d` finite and non-zero.
void shortest_digits(double d, std::string& digits, int& exp) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  std::string s(buf, r.ptr);
  size_t e = s.find('e');
  std::string mant = s.substr(0, e);
  exp = std::stoi(s.substr(e + 1));
  digits.clear();
  for (char c : mant)
    if (c != '.') digits.push_back(c);
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
}

std::string sci(const std::string& digits, int exp) {
  std::string out(1, digits[0]);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char eb[16];
  std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + eb;
}

std::string plain(const std::string& digits, int exp, bool force_point) {
  std::string out;
  if (exp >= 0) {
    size_t int_len = static_cast<size_t>(exp) + 1;
    if (digits.size() <= int_len) {
      out = digits + std::string(int_len - digits.size(), '0');
      if (force_point) out += ".0";
    } else {
      out = digits.substr(0, int_len) + "." + digits.substr(int_len);
    }
  } else {
    out = "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  }
  return out;
}

}  // namespace

std::string format_double(double d) {
  if (std::isnan(d)) return "double(\"NaN\")";
  if (std::isinf(d)) return d > 0 ? "double(\"Infinity\")" : "double(\"-Infinity\")";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  std::string digits;
  int exp;
  shortest_digits(d, digits, exp);
  std::string body = (exp >= -4 && exp < 21) ? plain(digits, exp, true) : sci(digits, exp);
  return (d < 0 ? "-" : "") + body;
}

std::string double_to_string(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  if (d == 0) return std::signbit(d) ? "-0" : "0";
  std::string digits;
  int exp;
  shortest_digits(d, digits, exp);
  // Go strconv.FormatFloat(d, 'g', -1, 64): %e when exp < -4 || exp >= 6.
  int eprec = 6;
  std::string body = (exp < -4 || exp >= eprec) ? sci(digits, exp) : plain(digits, exp, false);
  return (d < 0 ? "-" : "") + body;
}

void quote_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\x%02x", c);
          out += b;
        } else {
          out.push_back(ch);
        }
    }
  }
  out.push_back('"');
}

namespace {

void quote_bytes(std::string& out, std::string_view s) {
  out += "b\"";
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out.push_back(ch);
    else {
      char b[8];
      std::snprintf(b, sizeof b, "\\x%02x", c);
      out += b;
    }
  }
  out.push_back('"');
}

void literal(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::Null: out += "null"; break;
    case Kind::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Kind::Int: out += std::to_string(v.as_int()); break;
    case Kind::Uint: out += std::to_string(v.as_uint()) + "u"; break;
    case Kind::Double: out += format_double(v.as_double()); break;
    case Kind::String: quote_string(out, v.str()); break;
    case Kind::Bytes: quote_bytes(out, v.str()); break;
    case Kind::List: {
      out.push_back('[');
      bool first = true;
      for (const Value& e : v.list_items()) {
        if (!first) out += ", ";
        first = false;
        literal(out, e);
      }
      out.push_back(']');
      break;
    }
    case Kind::Map: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, e] : v.map_rep().entries) {
        if (!first) out += ", ";
        first = false;
        literal(out, k);
        out += ": ";
        literal(out, e);
      }
      out.push_back('}');
      break;
    }
    case Kind::Type: out += type_name(v.as_type()); break;
    case Kind::Timestamp:
      out += "timestamp(\"" + timestamp_to_string(v.seconds(), v.nanos()) + "\")";
      break;
    case Kind::Duration:
      out += "duration(\"" + duration_to_string(v.seconds(), v.nanos()) + "\")";
      break;
    case Kind::Net:
      out += (v.net_rep().prefix < 0 ? "ip(\"" : "cidr(\"") + net_to_string(v.net_rep()) + "\")";
      break;
    case Kind::Optional:
      if (v.optional_has()) {
        out += "optional.of(";
        literal(out, v.optional_value());
        out += ")";
      } else {
        out += "optional.none()";
      }
      break;
    case Kind::Error: out += "error(" + v.error_message() + ")"; break;
  }
}

std::string base64(std::string_view s) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  while (i + 2 < s.size()) {
    uint32_t n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                 static_cast<unsigned char>(s[i + 2]);
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += tbl[(n >> 6) & 63];
    out += tbl[n & 63];
    i += 3;
  }
  if (i + 1 == s.size()) {
    uint32_t n = static_cast<unsigned char>(s[i]) << 16;
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == s.size()) {
    uint32_t n = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
    out += tbl[n >> 18];
    out += tbl[(n >> 12) & 63];
    out += tbl[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

}  // namespace

std::string format_literal(const Value& v) {
  std::string out;
  literal(out, v);
  return out;
}

nlohmann::json format_json(const Value& v) {
  using J = nlohmann::json;
  switch (v.kind()) {
    case Kind::Null: return J{{"null", nullptr}};
    case Kind::Bool: return J{{"bool", v.as_bool()}};
    case Kind::Int: return J{{"int", std::to_string(v.as_int())}};
    case Kind::Uint: return J{{"uint", std::to_string(v.as_uint())}};
    case Kind::Double: {
      double d = v.as_double();
      if (std::isnan(d)) return J{{"double", "NaN"}};
      if (std::isinf(d)) return J{{"double", d > 0 ? "Infinity" : "-Infinity"}};
      return J{{"double", d}};
    }
    case Kind::String: return J{{"string", std::string(v.str())}};
    case Kind::Bytes: return J{{"bytes_b64", base64(v.str())}};
    case Kind::List: {
      J arr = J::array();
      for (const Value& e : v.list_items()) arr.push_back(format_json(e));
      return J{{"list", std::move(arr)}};
    }
    case Kind::Map: {
      J arr = J::array();
      for (const auto& [k, e] : v.map_rep().entries) arr.push_back(J::array({format_json(k), format_json(e)}));
      return J{{"map", std::move(arr)}};
    }
    case Kind::Type: return J{{"type", std::string(type_name(v.as_type()))}};
    case Kind::Timestamp: return J{{"timestamp", timestamp_to_string(v.seconds(), v.nanos())}};
    case Kind::Duration: return J{{"duration", duration_to_string(v.seconds(), v.nanos())}};
    case Kind::Net: return J{{v.net_rep().prefix < 0 ? "ip" : "cidr", net_to_string(v.net_rep())}};
    case Kind::Optional:
      return J{{"optional", v.optional_has() ? format_json(v.optional_value()) : J()}};
    case Kind::Error: return J{{"error", v.error_message()}};
  }
  return J();
}

}  // namespace tako::cel
