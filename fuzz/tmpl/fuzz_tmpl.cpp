// libFuzzer entry: parse the input as a template, execute it over a fixed
// data document in every missing-key mode, and exercise field_references.
// Any crash, sanitizer report or hang is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "tako/tmpl/template.h"

namespace {

const nlohmann::json& data() {
  static const nlohmann::json d = nlohmann::json::parse(R"({
    "a": 1, "b": "x", "s": "hello", "e": "", "z": 0, "f": 1.5, "t": true, "n": null,
    "l": [1, 2.5, "s", null, true, [1, 2], {"k": "v"}], "el": [], "em": {},
    "m": {"k": "v", "n": null, "i": 7, "sub": {"x": 1}, "l": [3, 1, 2]},
    "inputs": {"name": "tako", "list": ["a", "b"]},
    "event": {"type": "t", "payload": {"v": "1.2", "nested": {"deep": "d"}}}
  })");
  return d;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* bytes, size_t size) {
  if (size > 4096) return 0;
  std::string text(reinterpret_cast<const char*>(bytes), size);
  auto t = tako::tmpl::parse(text, "fuzz");
  if (!t.ok()) return 0;
  (void)tako::tmpl::field_references(**t);
  tako::tmpl::ExecOptions o;
  o.max_output = 1 << 20;
  o.max_steps = 200000;
  o.max_template_depth = 2000;
  for (auto mode : {tako::tmpl::MissingKey::Empty, tako::tmpl::MissingKey::Zero, tako::tmpl::MissingKey::Error}) {
    o.missing = mode;
    std::string out;
    (void)tako::tmpl::execute_to(out, **t, data(), o);
  }
  return 0;
}
