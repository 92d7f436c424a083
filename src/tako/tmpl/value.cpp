#include "tako/tmpl/value.h"

namespace tako::tmpl {

Value Value::from_json(const json& e, bool boxed, const std::shared_ptr<const void>& holder) {
  Value v;
  v.boxed = boxed;
  switch (e.type()) {
    case json::value_t::null:
      if (!boxed) return Value();
      v.kind = Kind::Nil;
      return v;
    case json::value_t::boolean:
      v.kind = Kind::Bool;
      v.b = e.get<bool>();
      return v;
    case json::value_t::number_integer:
      v.kind = Kind::Int;
      v.i = e.get<int64_t>();
      v.is_int64 = true;
      return v;
    case json::value_t::number_unsigned: {
      auto u = e.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) {
        v.kind = Kind::Int;
        v.i = static_cast<int64_t>(u);
        v.is_int64 = true;
      } else {
        v.kind = Kind::Float;
        v.f = static_cast<double>(u);
      }
      return v;
    }
    case json::value_t::number_float:
      v.kind = Kind::Float;
      v.f = e.get<double>();
      return v;
    case json::value_t::string:
      v.kind = Kind::String;
      v.s = e.get_ref<const std::string&>();
      v.hold = holder;
      return v;
    case json::value_t::array:
      v.kind = Kind::List;
      v.j = &e;
      v.hold = holder;
      return v;
    case json::value_t::object:
      v.kind = Kind::Map;
      v.j = &e;
      v.hold = holder;
      return v;
    default:
      if (!boxed) return Value();
      v.kind = Kind::Nil;
      return v;
  }
}

Value Value::of_json_owned(json x) {
  if (x.is_string() || x.is_array() || x.is_object()) {
    auto p = std::make_shared<const json>(std::move(x));
    return from_json(*p, false, p);
  }
  return from_json(x, false);
}

size_t Value::length() const {
  switch (kind) {
    case Kind::String: return s.size();
    case Kind::List:
    case Kind::Map: return j->size();
    default: return 0;
  }
}

const char* go_type_name(const Value& v) {
  switch (v.kind) {
    case Kind::Invalid: return "<nil>";
    case Kind::Nil: return "<nil>";
    case Kind::Bool: return "bool";
    case Kind::Int: return v.is_int64 ? "int64" : "int";
    case Kind::Uint: return "uint8";
    case Kind::Float: return "float64";
    case Kind::String: return "string";
    case Kind::List: return "[]interface {}";
    case Kind::Map: return "map[string]interface {}";
  }
  return "?";
}

const char* go_static_type_name(const Value& v) {
  if (v.boxed) return "interface {}";
  return go_type_name(v);
}

json to_json(const Value& v) {
  switch (v.kind) {
    case Kind::Invalid:
    case Kind::Nil: return nullptr;
    case Kind::Bool: return v.b;
    case Kind::Int: return v.i;
    case Kind::Uint: return static_cast<int64_t>(v.u);
    case Kind::Float: return v.f;
    case Kind::String: return std::string(v.s);
    case Kind::List:
    case Kind::Map: return *v.j;
  }
  return nullptr;
}

bool is_true(const Value& v) {
  switch (v.kind) {
    case Kind::Invalid:
    case Kind::Nil: return false;
    case Kind::Bool: return v.b;
    case Kind::Int: return v.i != 0;
    case Kind::Uint: return v.u != 0;
    case Kind::Float: return v.f != 0;
    case Kind::String: return !v.s.empty();
    case Kind::List:
    case Kind::Map: return !v.j->empty();
  }
  return false;
}

}  // namespace tako::tmpl
