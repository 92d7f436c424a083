#include "tako/engine/inputs.h"

#include <gtest/gtest.h>

using namespace tako;
using engine::resolve_inputs;

namespace {

config::Input input(std::string name, std::string type = "string") {
  config::Input in;
  in.name = std::move(name);
  in.type = std::move(type);
  return in;
}

config::Workflow workflow() {
  config::Workflow w;
  w.name = "deploy";
  auto env = input("env");
  env.enum_values = {"dev", "staging", "prod"};
  env.default_value = "dev";
  env.default_text = "dev";
  auto replicas = input("replicas", "number");
  replicas.min = 1;
  replicas.max = 10;
  auto dry = input("dry", "boolean");
  dry.default_value = false;
  dry.default_text = "false";
  auto version = input("version");
  version.required = true;
  w.inputs = {dry, env, replicas, version};
  return w;
}

std::string error_of(const std::vector<std::pair<std::string, std::string>>& given) {
  auto r = resolve_inputs(workflow(), given);
  return r.ok() ? "" : r.error().message;
}

}  // namespace

TEST(Inputs, TypesDefaultsAndAbsentInputs) {
  auto r = resolve_inputs(workflow(), {{"version", "1.2.3"}, {"dry", "TRUE"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->values["version"], "1.2.3");
  EXPECT_EQ(r->values["dry"], true);
  EXPECT_EQ(r->values["env"], "dev");
  EXPECT_FALSE(r->values.contains("replicas"));
  EXPECT_EQ(r->texts["dry"], "TRUE");
  EXPECT_EQ(r->texts["env"], "dev");
}

TEST(Inputs, NumbersAreIntOrDouble) {
  auto r = resolve_inputs(workflow(), {{"version", "1"}, {"replicas", "3"}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->values["replicas"].is_number_integer());
  r = resolve_inputs(workflow(), {{"version", "1"}, {"replicas", "2.5"}});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->values["replicas"].is_number_float());
  r = resolve_inputs(workflow(), {{"version", "1"}, {"replicas", "5e0"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->values["replicas"].get<double>(), 5.0);
}

TEST(Inputs, LaterValueWins) {
  auto r = resolve_inputs(workflow(), {{"version", "1"}, {"version", "2"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->values["version"], "2");
}

TEST(Inputs, ErrorMessagesInSpecOrder) {
  EXPECT_EQ(error_of({{"zeta", "1"}, {"alpha", "1"}}), "unknown input 'alpha' for workflow 'deploy'");
  EXPECT_EQ(error_of({}), "required input 'version' not provided");
  EXPECT_EQ(error_of({{"version", "1"}, {"dry", "yes"}}), "input 'dry' value 'yes' is not a valid boolean");
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "1.5.2"}}), "input 'replicas' value '1.5.2' is not a valid number");
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "+3"}}), "input 'replicas' value '+3' is not a valid number");
  // Number text that overflows a double is refused, not turned into +Inf.
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "1e999"}}), "input 'replicas' value '1e999' is not a finite number");
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "-1e400"}}), "input 'replicas' value '-1e400' is not a finite number");
  EXPECT_EQ(error_of({{"version", "1"}, {"env", "Prod"}}),
            "input 'env' value 'Prod' is not in allowed values [dev staging prod]");
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "0"}}), "input 'replicas' value 0 is less than minimum 1");
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "10.5"}}),
            "input 'replicas' value 10.5 is greater than maximum 10");
  // the first failing input in sorted order is reported
  EXPECT_EQ(error_of({{"version", "1"}, {"replicas", "x"}, {"dry", "x"}}),
            "input 'dry' value 'x' is not a valid boolean");
}

TEST(Inputs, RequiredWinsOverDefault) {
  auto w = workflow();
  w.inputs[3].default_value = "0.0.0";
  auto r = resolve_inputs(w, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "required input 'version' not provided");
}

TEST(Inputs, EnvNames) {
  EXPECT_EQ(engine::input_env_name("lib_version"), "TAKO_INPUT_LIB_VERSION");
  EXPECT_EQ(engine::input_env_name("my-input.x"), "TAKO_INPUT_MY_INPUT_X");
}
