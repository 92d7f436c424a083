#include "tako/cli/config_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

#include "tako/config/builtin_steps.h"

using namespace tako::cli;
using tako::config::check_builtin_params;
using tako::config::parse_uses;

TEST(ConfigSchema, Draft202012Document) {
  auto s = config_schema();
  EXPECT_EQ(s["$schema"], "https://json-schema.org/draft/2020-12/schema");
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["required"], nlohmann::ordered_json::array({"version"}));
  for (const char* key : {"version", "metadata", "artifacts", "dependents", "events", "subscriptions", "workflows"}) {
    EXPECT_TRUE(s["properties"].contains(key)) << key;
  }
  for (const char* def : {"workflow", "input", "step", "subscription", "subscriptions"}) {
    EXPECT_TRUE(s["$defs"].contains(def)) << def;
  }
  // Every $ref points at a definition that exists.
  std::function<void(const nlohmann::ordered_json&)> refs = [&](const nlohmann::ordered_json& j) {
    if (j.is_object()) {
      for (const auto& [k, v] : j.items()) {
        if (k == "$ref") {
          std::string r = v.get<std::string>();
          ASSERT_EQ(r.rfind("#/$defs/", 0), 0u) << r;
          EXPECT_TRUE(s["$defs"].contains(r.substr(8))) << r;
        } else {
          refs(v);
        }
      }
    } else if (j.is_array()) {
      for (const auto& v : j) refs(v);
    }
  };
  refs(s);
}

// The `with` parameters of the schema are exactly the loader's: none is an unknown parameter for
// the loader, a name outside them is, and the required ones are those whose absence is an error.
TEST(ConfigSchema, BuiltinParametersMatchTheLoader) {
  auto builtins = schema_builtins();
  ASSERT_EQ(builtins.size(), 5u);
  for (const auto& b : builtins) {
    auto parsed = parse_uses(b.uses);
    ASSERT_TRUE(parsed) << b.uses;
    nlohmann::json with = nlohmann::json::object();
    for (const auto& p : b.params) with[p] = nullptr;
    with["not_a_parameter"] = "x";
    std::set<std::string> unknown;
    for (const auto& problem : check_builtin_params(*parsed, with, b.uses, true)) {
      if (problem.warning) unknown.insert(problem.key);
    }
    EXPECT_EQ(unknown, std::set<std::string>{"not_a_parameter"}) << b.uses;

    std::set<std::string> missing;
    for (const auto& problem : check_builtin_params(*parsed, nlohmann::json::object(), b.uses, true)) {
      if (!problem.warning) missing.insert(problem.key);
    }
    EXPECT_EQ(missing, std::set<std::string>(b.required.begin(), b.required.end())) << b.uses;

    // The step's `uses` enumeration holds the built-in.
    auto uses_enum = config_schema()["$defs"]["step"]["oneOf"][1]["properties"]["uses"]["enum"];
    EXPECT_NE(std::find(uses_enum.begin(), uses_enum.end(), b.uses), uses_enum.end()) << b.uses;
  }
}

TEST(ConfigSchema, EveryBuiltinHasAConditionalWith) {
  auto step = config_schema()["$defs"]["step"]["oneOf"][1];
  std::set<std::string> conditioned;
  for (const auto& rule : step["allOf"]) {
    if (rule.contains("if")) conditioned.insert(rule["if"]["properties"]["uses"]["const"].get<std::string>());
  }
  for (const auto& b : schema_builtins()) EXPECT_TRUE(conditioned.count(b.uses)) << b.uses;
}
