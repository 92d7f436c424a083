#include "tako/tmpl/funcs.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <unordered_map>

#include "tako/tmpl/gofmt.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

namespace {

// Go's indirectInterface: boxed nil → invalid, boxed x → x.
Value ind(const Value& v) { return v.unboxed(); }

bool fail(std::string& err, std::string msg) {
  err = std::move(msg);
  return false;
}

// ---------------------------------------------------------------- Go built-ins

bool fn_not(std::vector<Value>& a, Value& r, std::string&) {
  r = Value::of_bool(!is_true(ind(a[0])));
  return true;
}

bool fn_len(std::vector<Value>& a, Value& r, std::string& err) {
  const Value& v = a[0];
  if (v.kind == Kind::Nil) return fail(err, "len of nil pointer");
  if (v.kind == Kind::Invalid) return fail(err, "reflect: call of reflect.Value.Type on zero Value");
  switch (v.kind) {
    case Kind::String:
    case Kind::List:
    case Kind::Map: r = Value::of_int(static_cast<int64_t>(v.length())); return true;
    default: return fail(err, std::string("len of type ") + go_type_name(v));
  }
}

bool index_arg(const Value& index, size_t cap, int64_t& x, std::string& err) {
  if (index.boxed) return fail(err, "cannot index slice/array with type interface {}");
  switch (index.kind) {
    case Kind::Int: x = index.i; break;
    case Kind::Uint: x = static_cast<int64_t>(index.u); break;
    case Kind::Invalid: return fail(err, "cannot index slice/array with nil");
    default: return fail(err, std::string("cannot index slice/array with type ") + go_type_name(index));
  }
  if (x < 0 || static_cast<uint64_t>(x) > cap) return fail(err, "index out of range: " + std::to_string(x));
  return true;
}

bool fn_index(std::vector<Value>& a, Value& r, std::string& err) {
  Value item = ind(a[0]);
  if (item.kind == Kind::Invalid) return fail(err, "index of untyped nil");
  for (size_t k = 1; k < a.size(); ++k) {
    Value index = ind(a[k]);
    if (item.kind == Kind::Nil) return fail(err, "index of nil pointer");
    Value it = item.unboxed();
    switch (it.kind) {
      case Kind::List:
      case Kind::String: {
        int64_t x;
        if (!index_arg(index, it.length(), x, err)) return false;
        if (static_cast<size_t>(x) == it.length())
          return fail(err, it.kind == Kind::List ? "reflect: slice index out of range"
                                                 : "reflect: string index out of range");
        if (it.kind == Kind::List) {
          item = Value::from_json((*it.j)[static_cast<size_t>(x)], true, it.hold);
        } else {
          item = Value::of_uint8(static_cast<unsigned char>(it.s[static_cast<size_t>(x)]));
        }
        break;
      }
      case Kind::Map: {
        if (index.kind == Kind::Invalid) return fail(err, "value is nil; should be of type string");
        if (index.kind != Kind::String)
          return fail(err, std::string("value has type ") + go_type_name(index) + "; should be string");
        auto f = it.j->find(std::string(index.s));
        if (f != it.j->end()) {
          item = Value::from_json(*f, true, it.hold);
        } else {
          item = Value::nil_iface();
        }
        break;
      }
      default: return fail(err, std::string("can't index item of type ") + go_type_name(it));
    }
  }
  r = item;
  return true;
}

bool fn_slice(std::vector<Value>& a, Value& r, std::string& err) {
  Value item = ind(a[0]);
  if (item.kind == Kind::Invalid) return fail(err, "slice of untyped nil");
  size_t nidx = a.size() - 1;
  if (nidx > 3) return fail(err, "too many slice indexes: " + std::to_string(nidx));
  size_t cap;
  switch (item.kind) {
    case Kind::String:
      if (nidx == 3) return fail(err, "cannot 3-index slice a string");
      cap = item.length();
      break;
    case Kind::List: cap = item.length(); break;
    default: return fail(err, std::string("can't slice item of type ") + go_type_name(item));
  }
  int64_t idx[3] = {0, static_cast<int64_t>(item.length()), 0};
  for (size_t k = 0; k < nidx; ++k) {
    int64_t x;
    if (!index_arg(a[k + 1], cap, x, err)) return false;
    idx[k] = x;
  }
  if (idx[0] > idx[1])
    return fail(err, "invalid slice index: " + std::to_string(idx[0]) + " > " + std::to_string(idx[1]));
  if (nidx == 3 && idx[1] > idx[2])
    return fail(err, "invalid slice index: " + std::to_string(idx[1]) + " > " + std::to_string(idx[2]));
  if (item.kind == Kind::String) {
    Value v = item;
    v.s = item.s.substr(static_cast<size_t>(idx[0]), static_cast<size_t>(idx[1] - idx[0]));
    r = v;
    return true;
  }
  json out = json::array();
  for (int64_t i = idx[0]; i < idx[1]; ++i) out.push_back((*item.j)[static_cast<size_t>(i)]);
  r = Value::of_json_owned(std::move(out));
  return true;
}

enum class BK { Invalid, Bool, Int, Float, String, Uint };

BK basic_kind(const Value& v) {
  switch (v.kind) {
    case Kind::Bool: return BK::Bool;
    case Kind::Int: return BK::Int;
    case Kind::Uint: return BK::Uint;
    case Kind::Float: return BK::Float;
    case Kind::String: return BK::String;
    default: return BK::Invalid;
  }
}

const char* reflect_type(const Value& v) { return go_type_name(v); }

bool eq_impl(const Value& a1raw, const Value* rest, size_t n, bool& result, std::string& err) {
  Value arg1 = ind(a1raw);
  if (n == 0) return fail(err, "missing argument for comparison");
  BK k1 = basic_kind(arg1);
  for (size_t i = 0; i < n; ++i) {
    Value arg = ind(rest[i]);
    BK k2 = basic_kind(arg);
    bool truth = false;
    if (k1 != k2) {
      if (k1 == BK::Int && k2 == BK::Uint) {
        truth = arg1.i >= 0 && static_cast<uint64_t>(arg1.i) == arg.u;
      } else if (k1 == BK::Uint && k2 == BK::Int) {
        truth = arg.i >= 0 && arg1.u == static_cast<uint64_t>(arg.i);
      } else if (arg1.kind != Kind::Invalid && arg.kind != Kind::Invalid) {
        return fail(err, "incompatible types for comparison");
      }
    } else {
      switch (k1) {
        case BK::Bool: truth = arg1.b == arg.b; break;
        case BK::Float: truth = arg1.f == arg.f; break;
        case BK::Int: truth = arg1.i == arg.i; break;
        case BK::String: truth = arg1.s == arg.s; break;
        case BK::Uint: truth = arg1.u == arg.u; break;
        case BK::Invalid: {
          bool can_compare = arg1.kind == arg.kind || arg1.kind == Kind::Invalid || arg.kind == Kind::Invalid;
          if (!can_compare) {
            std::string m;
            std::vector<Value> fa{arg1, Value::of_sv(reflect_type(arg1)), Value::of_sv(reflect_type(arg)), arg};
            gofmt::sprintf(m, "non-comparable types %s: %v, %s: %v", fa);
            return fail(err, m);
          }
          bool n1 = arg1.kind == Kind::Invalid, n2 = arg.kind == Kind::Invalid;
          if (n1 || n2) {
            truth = n1 == n2;
          } else {
            std::string m;
            std::vector<Value> fa{arg, Value::of_sv(reflect_type(arg))};
            gofmt::sprintf(m, "non-comparable type %s: %v", fa);
            return fail(err, m);
          }
          break;
        }
      }
    }
    if (truth) {
      result = true;
      return true;
    }
  }
  result = false;
  return true;
}

bool fn_eq(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!eq_impl(a[0], a.data() + 1, a.size() - 1, res, err)) return false;
  r = Value::of_bool(res);
  return true;
}

bool fn_ne(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!eq_impl(a[0], a.data() + 1, 1, res, err)) return false;
  r = Value::of_bool(!res);
  return true;
}

bool lt_impl(const Value& a1raw, const Value& a2raw, bool& result, std::string& err) {
  Value arg1 = ind(a1raw);
  BK k1 = basic_kind(arg1);
  if (k1 == BK::Invalid) return fail(err, "invalid type for comparison");
  Value arg2 = ind(a2raw);
  BK k2 = basic_kind(arg2);
  if (k2 == BK::Invalid) return fail(err, "invalid type for comparison");
  bool truth = false;
  if (k1 != k2) {
    if (k1 == BK::Int && k2 == BK::Uint) {
      truth = arg1.i < 0 || static_cast<uint64_t>(arg1.i) < arg2.u;
    } else if (k1 == BK::Uint && k2 == BK::Int) {
      truth = arg2.i >= 0 && arg1.u < static_cast<uint64_t>(arg2.i);
    } else {
      return fail(err, "incompatible types for comparison");
    }
  } else {
    switch (k1) {
      case BK::Bool: return fail(err, "invalid type for comparison");
      case BK::Float: truth = arg1.f < arg2.f; break;
      case BK::Int: truth = arg1.i < arg2.i; break;
      case BK::String: truth = arg1.s < arg2.s; break;
      case BK::Uint: truth = arg1.u < arg2.u; break;
      case BK::Invalid: break;
    }
  }
  result = truth;
  return true;
}

bool fn_lt(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!lt_impl(a[0], a[1], res, err)) return false;
  r = Value::of_bool(res);
  return true;
}

bool le_impl(const Value& x, const Value& y, bool& res, std::string& err) {
  if (!lt_impl(x, y, res, err)) return false;
  if (res) return true;
  return eq_impl(x, &y, 1, res, err);
}

bool fn_le(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!le_impl(a[0], a[1], res, err)) return false;
  r = Value::of_bool(res);
  return true;
}

bool fn_gt(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!le_impl(a[0], a[1], res, err)) return false;
  r = Value::of_bool(!res);
  return true;
}

bool fn_ge(std::vector<Value>& a, Value& r, std::string& err) {
  bool res;
  if (!lt_impl(a[0], a[1], res, err)) return false;
  r = Value::of_bool(!res);
  return true;
}

bool fn_print(std::vector<Value>& a, Value& r, std::string&) {
  std::string s;
  gofmt::sprint(s, a);
  r = Value::of_string(std::move(s));
  return true;
}

bool fn_println(std::vector<Value>& a, Value& r, std::string&) {
  std::string s;
  gofmt::sprintln(s, a);
  r = Value::of_string(std::move(s));
  return true;
}

bool fn_printf(std::vector<Value>& a, Value& r, std::string& err) {
  std::string s;
  std::vector<Value> rest(a.begin() + 1, a.end());
  if (!gofmt::sprintf(s, a[0].s, rest))
    return fail(err, "formatted result exceeds the output limit of " + std::to_string(gofmt::format_limit()) + " bytes");
  r = Value::of_string(std::move(s));
  return true;
}

// text/template's evalArgs for html/js/urlquery.
std::string eval_args(const std::vector<Value>& a) {
  if (a.size() == 1 && a[0].kind == Kind::String) return std::string(a[0].s);
  std::vector<Value> b = a;
  for (auto& v : b)
    if (v.is_nil_like()) v = Value::of_sv("<no value>");
  std::string s;
  gofmt::sprint(s, b);
  return s;
}

bool fn_html(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = eval_args(a);
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '\0': out += "\xEF\xBF\xBD"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  r = Value::of_string(std::move(out));
  return true;
}

bool fn_js(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = eval_args(a);
  std::string out;
  static const char hex[] = "0123456789ABCDEF";
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '\\': out += "\\\\"; break;
        case '\'': out += "\\'"; break;
        case '"': out += "\\\""; break;
        case '<': out += "\\u003C"; break;
        case '>': out += "\\u003E"; break;
        case '&': out += "\\u0026"; break;
        case '=': out += "\\u003D"; break;
        default:
          if (c < ' ') {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      continue;
    }
    gofmt::Rune rr = gofmt::decode_rune(s, i);
    if (gofmt::is_print(rr.r) || (rr.r == gofmt::kRuneError)) {
      out.append(s, i, static_cast<size_t>(rr.size));
    } else {
      char b[16];
      snprintf(b, sizeof b, "\\u%04X", static_cast<unsigned>(rr.r));
      out += b;
    }
    i += static_cast<size_t>(rr.size) - 1;
  }
  r = Value::of_string(std::move(out));
  return true;
}

std::string query_escape(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xF];
    }
  }
  return out;
}

bool fn_urlquery(std::vector<Value>& a, Value& r, std::string&) {
  r = Value::of_string(query_escape(eval_args(a)));
  return true;
}

bool fn_call(std::vector<Value>& a, Value&, std::string& err) {
  Value fn = ind(a[0]);
  if (fn.kind == Kind::Invalid) return fail(err, "call of nil");
  return fail(err, std::string("non-function of type ") + go_type_name(fn));
}

bool fn_unreachable(std::vector<Value>&, Value&, std::string& err) { return fail(err, "unreachable"); }

// ---------------------------------------------------------------- tako functions (§8.4)

Value str_value(std::string s) { return Value::of_string(std::move(s)); }

bool fn_shell_quote(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = tako_str(a[0]);
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  out += '\'';
  r = str_value(std::move(out));
  return true;
}

bool fn_json_escape(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = tako_str(a[0]);
  std::string out;
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xF];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    gofmt::Rune rr = gofmt::decode_rune(s, i);
    if (rr.r == gofmt::kRuneError && rr.size == 1) {
      out += "\\ufffd";
    } else if (rr.r == 0x2028) {
      out += "\\u2028";
    } else if (rr.r == 0x2029) {
      out += "\\u2029";
    } else {
      out.append(s, i, static_cast<size_t>(rr.size));
    }
    i += static_cast<size_t>(rr.size);
  }
  r = str_value(std::move(out));
  return true;
}

bool fn_url_encode(std::vector<Value>& a, Value& r, std::string&) {
  r = str_value(query_escape(tako_str(a[0])));
  return true;
}

bool fn_html_escape(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = tako_str(a[0]);
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  r = str_value(std::move(out));
  return true;
}

bool fn_default(std::vector<Value>& a, Value& r, std::string&) {
  const Value& x = a[1];
  if (x.is_nil_like() || (x.kind == Kind::String && x.s.empty())) {
    r = a[0];
  } else {
    r = x;
  }
  return true;
}

bool is_empty_value(const Value& x) {
  switch (x.kind) {
    case Kind::Invalid:
    case Kind::Nil: return true;
    case Kind::String: return x.s.empty();
    case Kind::List:
    case Kind::Map: return x.j->empty();
    default: return false;
  }
}

bool fn_empty(std::vector<Value>& a, Value& r, std::string&) {
  r = Value::of_bool(is_empty_value(a[0]));
  return true;
}

std::string trim_space(std::string_view s) {
  size_t b = 0;
  while (b < s.size()) {
    gofmt::Rune rr = gofmt::decode_rune(s, b);
    if (!gofmt::is_space(rr.r) || (rr.r == gofmt::kRuneError && rr.size == 1)) break;
    b += static_cast<size_t>(rr.size);
  }
  size_t e = s.size();
  while (e > b) {
    gofmt::Rune rr = gofmt::decode_last_rune(s, e);
    if (!gofmt::is_space(rr.r) || (rr.r == gofmt::kRuneError && rr.size == 1)) break;
    e -= static_cast<size_t>(rr.size);
  }
  return std::string(s.substr(b, e - b));
}

bool fn_trim(std::vector<Value>& a, Value& r, std::string&) {
  r = str_value(trim_space(tako_str(a[0])));
  return true;
}

bool fn_upper(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = tako_str(a[0]);
  for (char& c : s)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  r = str_value(std::move(s));
  return true;
}

bool fn_lower(std::vector<Value>& a, Value& r, std::string&) {
  std::string s = tako_str(a[0]);
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  r = str_value(std::move(s));
  return true;
}

bool fn_split(std::vector<Value>& a, Value& r, std::string&) {
  std::string sep = tako_str(a[0]);
  std::string s = tako_str(a[1]);
  json out = json::array();
  if (sep.empty()) {
    if (s.empty()) {
      out.push_back("");
    } else {
      for (size_t i = 0; i < s.size();) {
        gofmt::Rune rr = gofmt::decode_rune(s, i);
        if (rr.r == gofmt::kRuneError && rr.size == 1) {
          out.push_back("\xEF\xBF\xBD");
        } else {
          out.push_back(s.substr(i, static_cast<size_t>(rr.size)));
        }
        i += static_cast<size_t>(rr.size);
      }
    }
  } else {
    size_t start = 0;
    for (;;) {
      size_t p = s.find(sep, start);
      if (p == std::string::npos) {
        out.push_back(s.substr(start));
        break;
      }
      out.push_back(s.substr(start, p - start));
      start = p + sep.size();
    }
  }
  r = Value::of_json_owned(std::move(out));
  return true;
}

bool fn_join(std::vector<Value>& a, Value& r, std::string& err) {
  std::string sep = tako_str(a[0]);
  const Value& l = a[1];
  if (l.is_nil_like()) {
    r = str_value("");
    return true;
  }
  if (l.kind != Kind::List) return fail(err, std::string("cannot join value of type ") + go_type_name(l));
  std::string out;
  bool first = true;
  for (const auto& e : *l.j) {
    if (!first) out += sep;
    first = false;
    out += tako_str(Value::from_json(e, true, l.hold));
  }
  r = str_value(std::move(out));
  return true;
}

bool fn_replace(std::vector<Value>& a, Value& r, std::string&) {
  std::string from = tako_str(a[0]);
  std::string to = tako_str(a[1]);
  std::string s = tako_str(a[2]);
  std::string out;
  if (from.empty()) {
    // Go strings.ReplaceAll with empty old: insert `to` around every rune.
    out += to;
    for (size_t i = 0; i < s.size();) {
      gofmt::Rune rr = gofmt::decode_rune(s, i);
      out.append(s, i, static_cast<size_t>(rr.size));
      out += to;
      i += static_cast<size_t>(rr.size);
    }
  } else {
    size_t start = 0;
    for (;;) {
      size_t p = s.find(from, start);
      if (p == std::string::npos) {
        out.append(s, start);
        break;
      }
      out.append(s, start, p - start);
      out += to;
      start = p + from.size();
    }
  }
  r = str_value(std::move(out));
  return true;
}

bool fn_contains(std::vector<Value>& a, Value& r, std::string&) {
  r = Value::of_bool(tako_str(a[1]).find(tako_str(a[0])) != std::string::npos);
  return true;
}

bool fn_has_prefix(std::vector<Value>& a, Value& r, std::string&) {
  std::string p = tako_str(a[0]), s = tako_str(a[1]);
  r = Value::of_bool(s.compare(0, p.size(), p) == 0 && s.size() >= p.size());
  return true;
}

bool fn_has_suffix(std::vector<Value>& a, Value& r, std::string&) {
  std::string p = tako_str(a[0]), s = tako_str(a[1]);
  r = Value::of_bool(s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0);
  return true;
}

bool fn_to_string(std::vector<Value>& a, Value& r, std::string&) {
  r = str_value(tako_str(a[0]));
  return true;
}

bool fn_to_int(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  int64_t n = 0;
  switch (x.kind) {
    case Kind::Int: n = x.i; break;
    case Kind::Uint: n = static_cast<int64_t>(x.u); break;
    case Kind::Float:
      if (std::isnan(x.f)) {
        n = 0;
      } else if (x.f >= 9223372036854775807.0) {
        n = INT64_MAX;
      } else if (x.f <= -9223372036854775808.0) {
        n = INT64_MIN;
      } else {
        n = static_cast<int64_t>(x.f);
      }
      break;
    case Kind::Bool: n = x.b ? 1 : 0; break;
    case Kind::String: {
      size_t i = 0;
      while (i < x.s.size() && (x.s[i] == ' ' || x.s[i] == '\t' || x.s[i] == '\n' || x.s[i] == '\r')) ++i;
      bool neg = false;
      if (i < x.s.size() && (x.s[i] == '+' || x.s[i] == '-')) {
        neg = x.s[i] == '-';
        ++i;
      }
      size_t d0 = i;
      uint64_t u = 0;
      bool overflow = false;
      while (i < x.s.size() && x.s[i] >= '0' && x.s[i] <= '9') {
        if (u > (UINT64_MAX - 9) / 10) overflow = true;
        if (!overflow) u = u * 10 + static_cast<uint64_t>(x.s[i] - '0');
        ++i;
      }
      if (i == d0) {
        n = 0;
      } else if (neg) {
        n = (overflow || u > static_cast<uint64_t>(INT64_MAX) + 1) ? INT64_MIN : static_cast<int64_t>(0 - u);
      } else {
        n = (overflow || u > static_cast<uint64_t>(INT64_MAX)) ? INT64_MAX : static_cast<int64_t>(u);
      }
      break;
    }
    default: n = 0;
  }
  r = Value::of_int(n, true);
  return true;
}

bool fn_to_float(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  double d = 0;
  switch (x.kind) {
    case Kind::Int: d = static_cast<double>(x.i); break;
    case Kind::Uint: d = static_cast<double>(x.u); break;
    case Kind::Float: d = x.f; break;
    case Kind::Bool: d = x.b ? 1 : 0; break;
    case Kind::String: {
      size_t i = 0;
      while (i < x.s.size() && (x.s[i] == ' ' || x.s[i] == '\t' || x.s[i] == '\n' || x.s[i] == '\r')) ++i;
      size_t b = i;
      if (i < x.s.size() && (x.s[i] == '+' || x.s[i] == '-')) ++i;
      size_t digits = 0;
      while (i < x.s.size() && x.s[i] >= '0' && x.s[i] <= '9') {
        ++i;
        ++digits;
      }
      if (i < x.s.size() && x.s[i] == '.') {
        size_t j = i + 1;
        size_t fd = 0;
        while (j < x.s.size() && x.s[j] >= '0' && x.s[j] <= '9') {
          ++j;
          ++fd;
        }
        if (digits + fd > 0) {
          i = j;
          digits += fd;
        }
      }
      if (digits > 0 && i < x.s.size() && (x.s[i] == 'e' || x.s[i] == 'E')) {
        size_t j = i + 1;
        if (j < x.s.size() && (x.s[j] == '+' || x.s[j] == '-')) ++j;
        size_t ed = 0;
        while (j < x.s.size() && x.s[j] >= '0' && x.s[j] <= '9') {
          ++j;
          ++ed;
        }
        if (ed > 0) i = j;
      }
      if (digits == 0) {
        d = 0;
      } else {
        std::string num(x.s.substr(b, i - b));
        d = std::strtod(num.c_str(), nullptr);
      }
      break;
    }
    default: d = 0;
  }
  r = Value::of_float(d);
  return true;
}

bool fn_to_bool(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  bool b = false;
  switch (x.kind) {
    case Kind::Bool: b = x.b; break;
    case Kind::Int: b = x.i != 0; break;
    case Kind::Uint: b = x.u != 0; break;
    case Kind::Float: b = x.f != 0; break;
    case Kind::String: {
      std::string s(x.s);
      for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      b = s == "true" || s == "1" || s == "yes";
      break;
    }
    default: b = false;
  }
  r = Value::of_bool(b);
  return true;
}

bool fn_keys(std::vector<Value>& a, Value& r, std::string& err) {
  const Value x = a[0].unboxed();
  json out = json::array();
  if (x.kind == Kind::Map) {
    for (auto it = x.j->begin(); it != x.j->end(); ++it) out.push_back(it.key());
  } else if (x.kind == Kind::List) {
    for (size_t i = 0; i < x.j->size(); ++i) out.push_back(static_cast<int64_t>(i));
  } else if (!x.is_nil_like()) {
    return fail(err, std::string("cannot take keys of type ") + go_type_name(x));
  }
  r = Value::of_json_owned(std::move(out));
  return true;
}

bool fn_values(std::vector<Value>& a, Value& r, std::string& err) {
  const Value x = a[0].unboxed();
  json out = json::array();
  if (x.kind == Kind::Map || x.kind == Kind::List) {
    for (const auto& e : *x.j) out.push_back(e);
  } else if (!x.is_nil_like()) {
    return fail(err, std::string("cannot take values of type ") + go_type_name(x));
  }
  r = Value::of_json_owned(std::move(out));
  return true;
}

bool fn_range_map(std::vector<Value>& a, Value& r, std::string& err) {
  const Value x = a[0].unboxed();
  json out = json::array();
  if (x.kind == Kind::Map) {
    for (auto it = x.j->begin(); it != x.j->end(); ++it) out.push_back(json{{"key", it.key()}, {"value", *it}});
  } else if (!x.is_nil_like()) {
    return fail(err, std::string("cannot range_map value of type ") + go_type_name(x));
  }
  r = Value::of_json_owned(std::move(out));
  return true;
}

bool fn_length(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  int64_t n = 0;
  if (x.kind == Kind::String) {
    n = static_cast<int64_t>(gofmt::rune_count(x.s));
  } else if (x.kind == Kind::List || x.kind == Kind::Map) {
    n = static_cast<int64_t>(x.j->size());
  }
  r = Value::of_int(n);
  return true;
}

bool fn_first(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  if (x.kind == Kind::List && !x.j->empty()) {
    r = Value::from_json(x.j->front(), true, x.hold);
  } else {
    r = Value();
  }
  return true;
}

bool fn_last(std::vector<Value>& a, Value& r, std::string&) {
  const Value x = a[0].unboxed();
  if (x.kind == Kind::List && !x.j->empty()) {
    r = Value::from_json(x.j->back(), true, x.hold);
  } else {
    r = Value();
  }
  return true;
}

bool fn_if_then_else(std::vector<Value>& a, Value& r, std::string&) {
  r = is_true(a[0].unboxed()) ? a[1] : a[2];
  return true;
}

// The payload map of an event value (ev.payload or ev.Payload), or null.
const json* event_payload(const Value& ev) {
  Value e = ev.unboxed();
  if (e.kind != Kind::Map) return nullptr;
  auto it = e.j->find("payload");
  if (it == e.j->end()) it = e.j->find("Payload");
  if (it == e.j->end()) return nullptr;
  return &*it;
}

const json* event_lookup(const std::string& path, const Value& ev) {
  const json* cur = event_payload(ev);
  if (cur == nullptr) return nullptr;
  size_t start = 0;
  for (;;) {
    size_t d = path.find('.', start);
    std::string part = path.substr(start, d == std::string::npos ? std::string::npos : d - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(part);
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (d == std::string::npos) return cur;
    start = d + 1;
  }
}

bool fn_event_field(std::vector<Value>& a, Value& r, std::string&) {
  const json* e = event_lookup(tako_str(a[0]), a[1]);
  if (e == nullptr || e->is_null()) {
    r = Value();
  } else {
    r = Value::from_json(*e, true, a[1].hold);
  }
  return true;
}

bool fn_event_has_field(std::vector<Value>& a, Value& r, std::string&) {
  r = Value::of_bool(event_lookup(tako_str(a[0]), a[1]) != nullptr);
  return true;
}

bool fn_event_filter(std::vector<Value>& a, Value& r, std::string&) {
  std::string sub = tako_str(a[0]);
  const json* p = event_payload(a[1]);
  json out = json::object();
  if (p != nullptr && p->is_object()) {
    for (auto it = p->begin(); it != p->end(); ++it)
      if (it.key().find(sub) != std::string::npos) out[it.key()] = *it;
  }
  r = Value::of_json_owned(std::move(out));
  return true;
}

constexpr Param V = Param::Value;
constexpr Param I = Param::Iface;
constexpr Param S = Param::String;

const FuncSpec kFuncs[] = {
    // Go built-ins (text/template funcs.go, Go 1.19)
    {"and", 2, true, {V, V}, fn_unreachable, Special::And},
    {"call", 2, true, {V, V}, fn_call, Special::None},
    {"html", 1, true, {I}, fn_html, Special::None},
    {"index", 2, true, {V, V}, fn_index, Special::None},
    {"slice", 2, true, {V, V}, fn_slice, Special::None},
    {"js", 1, true, {I}, fn_js, Special::None},
    {"len", 1, false, {V}, fn_len, Special::None},
    {"not", 1, false, {V}, fn_not, Special::None},
    {"or", 2, true, {V, V}, fn_unreachable, Special::Or},
    {"print", 1, true, {I}, fn_print, Special::None},
    {"printf", 2, true, {S, I}, fn_printf, Special::None},
    {"println", 1, true, {I}, fn_println, Special::None},
    {"urlquery", 1, true, {I}, fn_urlquery, Special::None},
    {"eq", 2, true, {V, V}, fn_eq, Special::None},
    {"ge", 2, false, {V, V}, fn_ge, Special::None},
    {"gt", 2, false, {V, V}, fn_gt, Special::None},
    {"le", 2, false, {V, V}, fn_le, Special::None},
    {"lt", 2, false, {V, V}, fn_lt, Special::None},
    {"ne", 2, false, {V, V}, fn_ne, Special::None},
    // tako (REFERENCE.md §8.4); the subject is the last argument
    {"shell_quote", 1, false, {I}, fn_shell_quote, Special::None},
    {"json_escape", 1, false, {I}, fn_json_escape, Special::None},
    {"url_encode", 1, false, {I}, fn_url_encode, Special::None},
    {"html_escape", 1, false, {I}, fn_html_escape, Special::None},
    {"default", 2, false, {I, I}, fn_default, Special::None},
    {"empty", 1, false, {I}, fn_empty, Special::None},
    {"trim", 1, false, {I}, fn_trim, Special::None},
    {"upper", 1, false, {I}, fn_upper, Special::None},
    {"lower", 1, false, {I}, fn_lower, Special::None},
    {"split", 2, false, {I, I}, fn_split, Special::None},
    {"join", 2, false, {I, I}, fn_join, Special::None},
    {"replace", 3, false, {I, I, I}, fn_replace, Special::None},
    {"contains", 2, false, {I, I}, fn_contains, Special::None},
    {"has_prefix", 2, false, {I, I}, fn_has_prefix, Special::None},
    {"has_suffix", 2, false, {I, I}, fn_has_suffix, Special::None},
    {"to_string", 1, false, {I}, fn_to_string, Special::None},
    {"to_int", 1, false, {I}, fn_to_int, Special::None},
    {"to_float", 1, false, {I}, fn_to_float, Special::None},
    {"to_bool", 1, false, {I}, fn_to_bool, Special::None},
    {"keys", 1, false, {I}, fn_keys, Special::None},
    {"values", 1, false, {I}, fn_values, Special::None},
    {"range_map", 1, false, {I}, fn_range_map, Special::None},
    {"length", 1, false, {I}, fn_length, Special::None},
    {"first", 1, false, {I}, fn_first, Special::None},
    {"last", 1, false, {I}, fn_last, Special::None},
    {"if_then_else", 3, false, {I, I, I}, fn_if_then_else, Special::None},
    {"event_field", 2, false, {I, I}, fn_event_field, Special::None},
    {"event_has_field", 2, false, {I, I}, fn_event_has_field, Special::None},
    {"event_filter", 2, false, {I, I}, fn_event_filter, Special::None},
};

}  // namespace

std::string tako_str(const Value& v) {
  switch (v.kind) {
    case Kind::Invalid:
    case Kind::Nil: return "";
    case Kind::String: return std::string(v.s);
    default: {
      std::string s;
      gofmt::print_v(s, v.unboxed());
      return s;
    }
  }
}

int find_function(std::string_view name) {
  static const std::unordered_map<std::string_view, int> index = [] {
    std::unordered_map<std::string_view, int> m;
    for (size_t i = 0; i < std::size(kFuncs); ++i) m.emplace(kFuncs[i].name, static_cast<int>(i));
    return m;
  }();
  auto it = index.find(name);
  return it == index.end() ? -1 : it->second;
}

const FuncSpec& function_spec(int index) { return kFuncs[index]; }

const std::vector<std::string>& function_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& f : kFuncs) v.emplace_back(f.name);
    std::sort(v.begin(), v.end());
    return v;
  }();
  return names;
}

}  // namespace tako::tmpl
