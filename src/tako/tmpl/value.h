// Internal: the run-time value of the template executor. It models the Go
// reflect.Values that text/template sees for tako's data model (§8.2):
// JSON-like data decoded into interface{} — map[string]interface{},
// []interface{}, int64, float64, string, bool, nil — plus the values the
// template itself creates (int literals and len results are Go `int`,
// `index` of a string yields a `uint8`).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace tako::tmpl {

using json = nlohmann::json;

enum class Kind : uint8_t {
  Invalid,  // Go's invalid reflect.Value ("<no value>")
  Nil,      // a nil interface{} (JSON null held in a map or list)
  Bool,
  Int,    // int or int64
  Uint,   // uint8 (only from `index` of a string)
  Float,  // float64
  String,
  List,  // []interface {}
  Map,   // map[string]interface {}
};

struct Value {
  Kind kind = Kind::Invalid;
  bool boxed = false;  // Go Interface-kind value (element of a map or list)
  bool is_int64 = false;  // Int: type int64 (data) rather than int
  union {
    bool b;
    int64_t i;
    uint64_t u;
    double f;
  };
  std::string_view s;                // String
  const json* j = nullptr;           // List / Map
  std::shared_ptr<const void> hold;  // owns the storage of s / j when not borrowed

  Value() : i(0) {}

  static Value invalid() { return Value(); }
  static Value nil_iface() {
    Value v;
    v.kind = Kind::Nil;
    v.boxed = true;
    return v;
  }
  static Value of_bool(bool x) {
    Value v;
    v.kind = Kind::Bool;
    v.b = x;
    return v;
  }
  static Value of_int(int64_t x, bool int64_type = false) {
    Value v;
    v.kind = Kind::Int;
    v.i = x;
    v.is_int64 = int64_type;
    return v;
  }
  static Value of_uint8(uint64_t x) {
    Value v;
    v.kind = Kind::Uint;
    v.u = x;
    return v;
  }
  static Value of_float(double x) {
    Value v;
    v.kind = Kind::Float;
    v.f = x;
    return v;
  }
  // Borrowed string: the storage must outlive the value.
  static Value of_sv(std::string_view x) {
    Value v;
    v.kind = Kind::String;
    v.s = x;
    return v;
  }
  static Value of_string(std::string x) {
    auto p = std::make_shared<const std::string>(std::move(x));
    Value v;
    v.kind = Kind::String;
    v.s = *p;
    v.hold = std::move(p);
    return v;
  }
  // An owned json (list, map or scalar) converted to a value.
  static Value of_json_owned(json x);
  // An element of data (or of a container held by `holder`).
  static Value from_json(const json& e, bool boxed, const std::shared_ptr<const void>& holder = nullptr);

  bool is_nil_like() const { return kind == Kind::Invalid || kind == Kind::Nil; }
  // Go's Interface-kind unwrapping (reflect.ValueOf(v.Interface())): boxed nil → invalid.
  Value unboxed() const {
    if (!boxed) return *this;
    if (kind == Kind::Nil) return Value();
    Value v = *this;
    v.boxed = false;
    return v;
  }
  size_t length() const;  // String bytes, List/Map elements
};

// Go type name of the dynamic value ("int", "int64", "[]interface {}", ...).
const char* go_type_name(const Value& v);
// Type name as reflect.Value.Type() reports it (boxed values: "interface {}").
const char* go_static_type_name(const Value& v);

// Converts a value to json (for tako functions); invalid/nil → null.
json to_json(const Value& v);

// Go truthiness (text/template isTrue); nil-like values are false.
bool is_true(const Value& v);

}  // namespace tako::tmpl
