// Internal: the function table of templates — Go's built-ins and tako's
// functions (REFERENCE.md §8.4) — with Go's calling conventions (parameter kinds,
// fixed or variadic arity) so argument checks and errors match Go.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tako/tmpl/value.h"

namespace tako::tmpl {

// How an argument reaches the function (Go parameter type).
enum class Param : uint8_t {
  Value,   // reflect.Value: receives the raw value (boxed values stay boxed)
  Iface,   // interface{}: receives the dynamic value; nil for missing values
  String,  // string: must be a string
};

using FuncImpl = bool (*)(std::vector<Value>& args, Value& result, std::string& err);

enum class Special : uint8_t { None, And, Or };

struct FuncSpec {
  const char* name;
  int num_in;     // number of declared parameters (variadic slot included)
  bool variadic;  // last parameter is variadic
  Param params[4];
  FuncImpl impl;
  Special special;
};

// Index into the table, or -1.
int find_function(std::string_view name);
const FuncSpec& function_spec(int index);

// str(x) of §8.4.
std::string tako_str(const Value& v);

}  // namespace tako::tmpl
