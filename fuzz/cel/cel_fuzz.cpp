// libFuzzer entry: the input is a CEL expression, compiled (strict and
// lenient) against a few bound variables and evaluated; results are printed
// with both output formats. Any crash, sanitizer report, hang or
// uncaught exception is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "tako/cel/cel.h"

namespace {

const tako::cel::Activation& activation() {
  static const tako::cel::Activation act = [] {
    tako::cel::Activation a;
    a.set_json("x", 42);
    a.set_json("s", "hello, world");
    a.set_json("l", nlohmann::json::array({1, 2.5, "three", nullptr, true}));
    a.set_json("m", nlohmann::json{{"env", "prod"}, {"version", "2.1.0"}, {"n", {1, 2, 3}}});
    a.set("t", tako::cel::Value::timestamp(1234567890, 5));
    a.set("d", tako::cel::Value::duration(90, 0));
    return a;
  }();
  return act;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view expr(reinterpret_cast<const char*>(data), size);
  for (bool strict : {true, false}) {
    tako::cel::Env env;
    env.declare("x").declare("s").declare("l").declare("m").declare("t").declare("d").set_strict(strict);
    if (!strict) env.set_container("m");
    auto prog = tako::cel::compile(expr, env);
    if (!prog) continue;
    (void)prog->references();
    auto v = prog->eval(activation());
    if (v) {
      (void)tako::cel::format_literal(*v);
      (void)tako::cel::format_json(*v).dump();
    }
  }
  return 0;
}
