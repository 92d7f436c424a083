// Workflows (REFERENCE.md §4.3) and inputs (§4.4).
#include <gtest/gtest.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using testing::validate_text;
using testing::warnings_of;
using V = std::vector<std::string>;

std::string wf(const std::string& body) { return "version: 1\nworkflows:\n  w:\n" + body; }

TEST(Workflow, NeedsAtLeastOneStep) {
  EXPECT_EQ(errors_of(wf("    description: x\n")), V{"4:5: invalid workflow 'w': workflow must have at least one step"});
  EXPECT_EQ(errors_of(wf("    steps: []\n")), V{"4:12: invalid workflow 'w': workflow must have at least one step"});
  EXPECT_EQ(errors_of(wf("    steps:\n")), V{"4:5: invalid workflow 'w': workflow must have at least one step"});
  EXPECT_EQ(errors_of("version: 1\nworkflows:\n  w:\n"), V{"3:3: invalid workflow 'w': workflow must have at least one step"});
  EXPECT_EQ(errors_of(wf("    steps: {a: 1}\n")), V{"4:12: invalid workflow 'w': steps: expected a sequence"});
}

TEST(Workflow, NameMustMatchNamePattern) {
  EXPECT_EQ(errors_of("version: 1\nworkflows:\n  _w: {steps: [x]}\n  9w: {steps: [x]}\n"),
            (V{"3:3: invalid workflow '_w': invalid workflow name '_w': must start with a letter and contain only "
               "letters, numbers, underscores, and hyphens",
               "4:3: invalid workflow '9w': invalid workflow name '9w': must start with a letter and contain only "
               "letters, numbers, underscores, and hyphens"}));
}

TEST(Workflow, ValueMustBeAMapping) {
  // Only the kind error: "no steps" would be noise on a value that is not a workflow at all.
  EXPECT_EQ(errors_of("version: 1\nworkflows:\n  w: [x]\n"), (V{"3:6: invalid workflow 'w': w: expected a mapping"}));
  EXPECT_EQ(errors_of("version: 1\nworkflows:\n  w: echo hi\n"), (V{"3:6: invalid workflow 'w': w: expected a mapping"}));
  EXPECT_EQ(errors_of("version: 1\nworkflows:\n  w:\n"), (V{"3:3: invalid workflow 'w': workflow must have at least one step"}));
}

TEST(Workflow, EnvAsMappingOrList) {
  auto r = validate_text(wf("    env: {A: \"1\", B: two}\n    steps: [x]\n"));
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.workflows[0].env, (std::vector<std::pair<std::string, std::string>>{{"A", "1"}, {"B", "two"}}));
  EXPECT_EQ(errors_of(wf("    env: [A=1, novalue, =x]\n    steps: [x]\n")),
            (V{"4:16: invalid workflow 'w': invalid env entry 'novalue': expected KEY=VALUE",
               "4:25: invalid workflow 'w': invalid env entry '=x': expected KEY=VALUE"}));
  EXPECT_EQ(errors_of(wf("    env: {1A: x, B: [y]}\n    steps: [x]\n")),
            (V{"4:11: invalid workflow 'w': invalid environment variable name '1A': must start with a letter or "
               "underscore and contain only letters, numbers, and underscores",
               "4:21: invalid workflow 'w': B: expected a scalar"}));
  EXPECT_EQ(errors_of(wf("    env: x\n    steps: [x]\n")), V{"4:10: invalid workflow 'w': env: expected a mapping"});
}

TEST(Workflow, EnvTemplatesSeeInputsButNoSteps) {
  EXPECT_EQ(errors_of(wf("    secrets: [TOKEN]\n    inputs: {a: {}}\n"
                         "    env: {X: \"{{ .inputs.a }}{{ .inputs.b }}\", Y: \"{{ .steps.s.x }}\", Z: \"{{ .env.TOKEN }}\"}\n"
                         "    steps: [{id: s, run: x}]\n")),
            (V{"6:14: invalid workflow 'w': template references undeclared input 'b'",
               "6:51: invalid workflow 'w': template references unknown step 's'",
               "6:74: invalid workflow 'w': secret 'TOKEN' must not be used in a template"}));
}

TEST(Workflow, Secrets) {
  auto r = validate_text(wf("    secrets: [GH_TOKEN, _X]\n    steps: [x]\n"));
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.workflows[0].secrets, (V{"GH_TOKEN", "_X"}));
  EXPECT_EQ(errors_of(wf("    secrets: [GH-TOKEN, [x]]\n    steps: [x]\n")),
            (V{"4:15: invalid workflow 'w': invalid secret name 'GH-TOKEN': must start with a letter or underscore "
               "and contain only letters, numbers, and underscores",
               "4:25: invalid workflow 'w': secrets[1]: expected a scalar"}));
}

TEST(Workflow, ImageAndResources) {
  EXPECT_EQ(errors_of(wf("    image: alpine:3.19\n    resources: {cpu_limit: 500m, mem_limit: 512Mi, disk_limit: 1GB}\n"
                         "    steps: [x]\n")),
            V{});
  EXPECT_EQ(errors_of(wf("    image: \"../evil\"\n    resources: {cpu_limit: lots, mem_limit: 1TB, disk_limit: -1}\n"
                         "    steps: [x]\n")),
            (V{"4:12: invalid workflow 'w': invalid container image name: ../evil",
               "5:28: invalid workflow 'w': invalid cpu value: lots",
               "5:45: invalid workflow 'w': invalid memory value: 1TB",
               "5:62: invalid workflow 'w': invalid disk value: -1"}));
}

TEST(Workflow, UnknownKeys) {
  EXPECT_EQ(warnings_of(wf("    steps: [x]\n    timeout: 5m\n")), V{"5:5: unknown key 'timeout'"});
}

TEST(Input, TypeDefaultAndValidation) {
  auto r = validate_text(wf(R"(    inputs:
      s: {default: 5}
      b: {type: boolean, default: "TRUE"}
      n: {type: number, default: -12, validation: {min: -20, max: 1e3}}
      f: {type: number, default: "1.5e2"}
      e: {type: string, validation: {enum: [a, b]}, description: pick}
    steps: [x]
)"));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const auto& in = r.config.workflows[0].inputs;
  ASSERT_EQ(in.size(), 5u);
  EXPECT_EQ(in[0].name, "b");
  EXPECT_EQ(*in[0].default_value, nlohmann::json(true));
  EXPECT_EQ(in[1].name, "e");
  EXPECT_EQ(in[1].enum_values, (V{"a", "b"}));
  EXPECT_EQ(in[1].description, "pick");
  EXPECT_EQ(in[2].name, "f");
  EXPECT_EQ(*in[2].default_value, nlohmann::json(150.0));
  EXPECT_EQ(in[3].name, "n");
  EXPECT_EQ(*in[3].default_value, nlohmann::json(-12));
  EXPECT_EQ(*in[3].min, -20.0);
  EXPECT_EQ(*in[3].max, 1000.0);
  EXPECT_EQ(in[4].name, "s");
  EXPECT_EQ(*in[4].default_value, nlohmann::json("5"));
  EXPECT_EQ(in[4].default_text, "5");
  EXPECT_EQ(in[4].default_pos.line, 5);
  EXPECT_EQ(in[4].default_pos.column, 20);
}

TEST(Input, Errors) {
  EXPECT_EQ(errors_of(wf(R"(    inputs:
      t: {type: int}
      b: {type: boolean, default: yes}
      n: {type: number, default: 1.}
      e: {type: number, validation: {enum: [a]}}
      m: {type: string, validation: {min: 1, max: 2}}
      x: {type: number, validation: {min: low}}
      1bad: {}
      r: {required: maybe}
    steps: [x]
)")),
            (V{"5:17: invalid workflow 'w': invalid input 't': invalid input type 'int', must be one of: [string boolean "
               "number]",
               "6:35: invalid workflow 'w': invalid input 'b': default value 'yes' is not a valid boolean",
               "7:34: invalid workflow 'w': invalid input 'n': default value '1.' is not a valid number",
               "8:44: invalid workflow 'w': invalid input 'e': enum validation is only supported for string inputs",
               "9:43: invalid workflow 'w': invalid input 'm': min/max validation is only supported for number inputs",
               "10:43: invalid workflow 'w': invalid input 'x': min: expected a number, got 'low'",
               "11:7: invalid workflow 'w': invalid input '1bad': invalid input name '1bad': must start with a letter "
               "or underscore and contain only letters, numbers, underscores, and hyphens",
               "12:21: invalid workflow 'w': invalid input 'r': required: expected a boolean, got 'maybe'"}));
}

TEST(Input, RequiredWithDefaultWarns) {
  EXPECT_EQ(warnings_of(wf("    inputs:\n      v: {required: true, default: \"1\"}\n    steps: [x]\n")),
            V{"5:36: input 'v' is required; its default is never used"});
  EXPECT_EQ(warnings_of(wf("    inputs:\n      v: {required: false, default: \"1\"}\n    steps: [x]\n")), V{});
}

TEST(Input, UnknownKeys) {
  EXPECT_EQ(warnings_of(wf("    inputs:\n      v: {type: string, secret: true, validation: {pattern: x}}\n"
                           "    steps: [x]\n")),
            (V{"5:25: unknown key 'secret'", "5:52: unknown key 'pattern'"}));
}

}  // namespace
}  // namespace tako::config
