// tako's CEL engine: public API (REFERENCE.md §9).
//
//   cel::Env env;
//   env.declare("event").declare("payload");
//   auto prog = cel::compile("event.payload.env == 'prod'", env);   // Result<Program>
//   cel::Activation act;
//   act.set_json("event", event_json);        // converted once, reused by every eval
//   auto ok = prog->eval_bool(act);           // Result<bool>
//
// Programs are immutable and cheap to copy (shared); eval() may run
// concurrently from many threads, on the same or different activations.
// Error messages are complete: "CEL compilation error: <detail>" from
// compile(), "CEL evaluation error: <detail>" from eval().
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/cel/value.h"
#include "tako/util/result.h"

namespace tako::cel {

// Compilation environment: declared variables and the container.
class Env {
 public:
  Env() = default;
  // Declares a variable. Qualified names ("x.y") are allowed.
  Env& declare(std::string name);
  // Container used for name resolution (e.g. "com.example").
  Env& set_container(std::string name);
  // strict (default): references to undeclared variables and unknown functions
  // (or wrong argument counts) are compilation errors. Non-strict: they
  // become evaluation errors, absorbed like any other by `||`, `&&`, `?:`.
  Env& set_strict(bool strict);

  bool declared(std::string_view name) const;
  const std::string& container() const { return container_; }
  bool strict() const { return strict_; }
  const std::vector<std::string>& variables() const { return vars_; }

 private:
  std::vector<std::string> vars_;
  std::string container_;
  bool strict_ = true;
};

// Variable bindings for one evaluation. Values are converted once when bound;
// evaluation reads them without copying.
class Activation {
 public:
  Activation& set(std::string name, Value value);
  Activation& set_json(std::string name, const nlohmann::json& value);
  const Value* find(std::string_view name) const;
  const std::vector<std::pair<std::string, Value>>& bindings() const { return vars_; }

 private:
  std::vector<std::pair<std::string, Value>> vars_;
};

// JSON → CEL: integers → int, other numbers → double, objects → maps with
// string keys, arrays → lists.
Value from_json(const nlohmann::json& j);

// A selection chain rooted at a variable, e.g. `steps.build.outputs.x` →
// {"steps", "build", "outputs", "x"}. The chain stops at the first
// non-constant step; `a['k']` counts as selecting "k".
struct Reference {
  std::vector<std::string> path;
  int line = 1;
  int column = 1;
};

struct ProgramImpl;

class Program {
 public:
  // The result never borrows from the activation.
  Result<Value> eval(const Activation& activation) const;
  // eval() + "CEL expression must return boolean, got <type>".
  Result<bool> eval_bool(const Activation& activation) const;

  const std::string& source() const;
  // Variable references (in source order, duplicates removed).
  const std::vector<Reference>& references() const;

 private:
  friend Result<Program> compile(std::string_view, const Env&);
  std::shared_ptr<const ProgramImpl> impl_;
};

// Parses and checks `expression` against `env`.
Result<Program> compile(std::string_view expression, const Env& env);

// Names of the declared variables referenced by `expression` (convenience
// around compile()+references()).
// --- output (REFERENCE.md §9.6) ----------------------------------------------------
std::string format_literal(const Value& v);  // CEL literal syntax
nlohmann::json format_json(const Value& v);  // typed JSON
std::string format_double(double d);         // §9.6 double rules

}  // namespace tako::cel
