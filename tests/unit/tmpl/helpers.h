#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tako/tmpl/template.h"

namespace tmpl_test {

using nlohmann::json;
using tako::tmpl::MissingKey;

// Output of parse+execute, or "ERR: <message>".
inline std::string run(const std::string& text, const json& data = json::object(),
                       MissingKey mode = MissingKey::Default) {
  auto t = tako::tmpl::parse(text, "template");
  if (!t) return "ERR: " + t.error().message;
  auto out = tako::tmpl::execute(**t, data, mode);
  if (!out) return "ERR: " + out.error().message;
  return *out;
}

inline std::string run_empty(const std::string& text, const json& data = json::object()) {
  return run(text, data, MissingKey::Empty);
}

inline json sample() {
  return json::parse(R"({"a":1,"b":"x","s":"hello","e":"","z":0,"f":1.5,"t":true,"n":null,
    "l":[1,2.5,"s",null,true],"el":[],"em":{},"li":[3,1,2],"ls":["b","a","c"],
    "m":{"k":"v","n":null,"i":7,"sub":{"x":1}},"u":"h\u00e9llo"})");
}

}  // namespace tmpl_test
