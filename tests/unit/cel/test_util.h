#pragma once

#include <string>

#include <gtest/gtest.h>

#include "tako/cel/cel.h"

namespace tako::cel::testing {

// Compiles (non-strict) and evaluates; returns the literal output or
// "ERR: <message>".
inline std::string run(const std::string& expr, const Activation& act = {}, const std::string& container = "") {
  Env env;
  env.set_strict(false).set_container(container);
  for (const auto& [name, v] : act.bindings()) env.declare(name);
  auto prog = compile(expr, env);
  if (!prog) return "ERR: " + prog.error().message;
  auto v = prog->eval(act);
  if (!v) return "ERR: " + v.error().message;
  return format_literal(*v);
}

}  // namespace tako::cel::testing
