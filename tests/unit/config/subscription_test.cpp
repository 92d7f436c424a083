// Subscriptions (REFERENCE.md §4.6) and their cross-checks (§4.7).
#include <gtest/gtest.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using testing::validate_text;
using testing::warnings_of;
using V = std::vector<std::string>;

const std::string kWorkflows = R"(workflows:
  deploy:
    inputs:
      version: {type: string, required: true}
      env: {type: string, required: true, default: prod}
      note: {}
    steps: [echo]
)";

std::string subs(const std::string& list) { return "version: 1\n" + kWorkflows + "subscriptions:\n" + list; }

const std::string S0 = "invalid subscriptions: subscription 0: ";

TEST(Subscription, ValidAndModelled) {
  auto r = validate_text(subs(R"(  - artifact: my-org/go-lib:go-lib
    events: [library_built, {type: lib_tagged, schema_version: "(1.1.0...2.0.0]"}]
    schema_version: ^1.0.0
    filter: payload.ok
    filters: [has(payload.version), "true"]
    workflow: deploy
    inputs: {version: "{{ .event.payload.version }}"}
  - {artifact: "o/r:*", events: [x], workflow: deploy, inputs: {version: "{{ .payload.v }}", note: n}}
)"));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.config.subscriptions.size(), 2u);
  const Subscription& s = r.config.subscriptions[0];
  EXPECT_EQ(s.artifact, "my-org/go-lib:go-lib");
  EXPECT_EQ(s.source_repo, "my-org/go-lib");
  EXPECT_EQ(s.artifact_name, "go-lib");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].type, "library_built");
  EXPECT_FALSE(s.events[0].schema_version);
  EXPECT_EQ(*s.events[1].schema_version, "(1.1.0...2.0.0]");
  EXPECT_EQ(*s.schema_version, "^1.0.0");
  EXPECT_EQ(s.filters, (V{"payload.ok", "has(payload.version)", "true"}));
  ASSERT_EQ(s.filter_pos.size(), 3u);
  EXPECT_EQ(s.filter_pos[0].line, 13);
  EXPECT_EQ(s.filter_pos[1].line, 14);
  EXPECT_EQ(s.workflow, "deploy");
  EXPECT_EQ(s.workflow_pos.line, 15);
  EXPECT_EQ(s.inputs.size(), 1u);
  EXPECT_EQ(r.config.subscriptions[1].artifact_name, "*");
  EXPECT_EQ(r.config.subscriptions[1].index, 1);
}

TEST(Subscription, ArtifactReference) {
  const std::string tail = "    events: [e]\n    workflow: deploy\n    inputs: {version: v}\n";
  auto one = [&](const std::string& artifact_line) { return errors_of(subs("  - " + artifact_line + "\n" + tail)); };
  const std::string A = S0 + "invalid artifact reference: ";
  EXPECT_EQ(one("artifact: ''"), V{"10:15: " + A + "artifact reference cannot be empty"});
  EXPECT_EQ(one("workflow_x: 1"), V{"10:5: " + A + "artifact reference cannot be empty"});
  EXPECT_EQ(one("artifact: o/r"), V{"10:15: " + A + "artifact reference 'o/r' must be in format 'repo:artifact'"});
  EXPECT_EQ(one("artifact: o:a"), V{"10:15: " + A + "repository 'o' must be in format 'owner/repo'"});
  EXPECT_EQ(one("artifact: a/b/c:a"), V{"10:15: " + A + "repository 'a/b/c' must be in format 'owner/repo'"});
  EXPECT_EQ(one("artifact: /r:a"), V{"10:15: " + A + "repository '/r' has empty owner or repo name"});
  EXPECT_EQ(one("artifact: 'o/:a'"), V{"10:15: " + A + "repository 'o/' has empty owner or repo name"});
  EXPECT_EQ(one("artifact: 'o/r:'"), V{"10:15: " + A + "artifact name cannot be empty in reference 'o/r:'"});
  EXPECT_EQ(one("artifact: 'o/r:9lib'"),
            V{"10:15: " + A + "artifact name '9lib' must start with a letter and contain only letters, numbers, "
                             "underscores, and hyphens"});
}

TEST(Subscription, Events) {
  const std::string head = "  - artifact: o/r:a\n    workflow: deploy\n    inputs: {version: v}\n";
  EXPECT_EQ(errors_of(subs(head)), V{"10:5: " + S0 + "events list cannot be empty"});
  EXPECT_EQ(errors_of(subs(head + "    events: []\n")), V{"13:13: " + S0 + "events list cannot be empty"});
  EXPECT_EQ(errors_of(subs(head + "    events: ['', Bad, {type: ''}, {schema_version: ^1.0.0}, [x]]\n")),
            (V{"13:14: " + S0 + "event 0: event type cannot be empty",
               "13:18: " + S0 + "event 1: event type 'Bad' must be snake_case (lowercase letters, numbers, "
                                "underscores only)",
               "13:30: " + S0 + "event 2: event type cannot be empty",
               "13:35: " + S0 + "event 3: event type cannot be empty",
               "13:61: " + S0 + "event 4: expected a string or a mapping"}));
}

TEST(Subscription, SchemaVersions) {
  const std::string head = "  - artifact: o/r:a\n    workflow: deploy\n    inputs: {version: v}\n";
  const std::string F =
      "'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)";
  EXPECT_EQ(errors_of(subs(head + "    events: [{type: e, schema_version: \"1.x\"}]\n    schema_version: latest\n")),
            (V{"13:40: " + S0 + "event 0: invalid schema version: invalid version range format '1.x" + F,
               "14:21: " + S0 + "invalid schema version: invalid version range format 'latest" + F}));
}

TEST(Subscription, Filters) {
  const std::string head = "  - artifact: o/r:a\n    events: [e]\n    workflow: deploy\n    inputs: {version: v}\n";
  EXPECT_EQ(errors_of(subs(head + "    filter: ''\n    filters: ['true', '', '  ']\n")),
            (V{"15:23: " + S0 + "filter 1: CEL expression cannot be empty",
               "15:27: " + S0 + "filter 2: CEL expression cannot be empty"}));
  EXPECT_EQ(errors_of(subs(head + "    filter: 'true'\n    filters: ['']\n")),
            V{"15:15: " + S0 + "filter 1: CEL expression cannot be empty"});
}

TEST(Subscription, FiltersAreCompiled) {
  const std::string head = "  - artifact: o/r:a\n    events: [e]\n    workflow: deploy\n    inputs: {version: v}\n";
  EXPECT_EQ(errors_of(subs(head + "    filter: inputs.x == 1\n"
                                  "    filters: [payload.ok, 'event_type ==', \"size(payload) > 0 && steps.a\"]\n")),
            (V{"14:13: " + S0 + "filter 0: CEL compilation error: undeclared reference to 'inputs'",
               "15:27: " + S0 + "filter 2: CEL compilation error: syntax error at line 1, column 14: "
                                "unexpected end of expression",
               "15:44: " + S0 + "filter 3: CEL compilation error: undeclared reference to 'steps'"}));
  // Every variable of §9.4 is declared, and the input/step rules of `if:` do not apply.
  EXPECT_EQ(errors_of(subs(head + "    filter: >-\n      event.payload.v == payload.v && event_type != '' &&\n"
                                  "      source != '' && schema_version != '' && artifact != ''\n")),
            V{});
}

TEST(Subscription, Workflow) {
  const std::string head = "  - artifact: o/r:a\n    events: [e]\n";
  EXPECT_EQ(errors_of(subs(head)), V{"10:5: " + S0 + "workflow name cannot be empty"});
  EXPECT_EQ(errors_of(subs(head + "    workflow: 1st\n")),
            V{"12:15: " + S0 + "workflow name '1st' must start with a letter and contain only letters, numbers, "
                               "underscores, and hyphens"});
  EXPECT_EQ(errors_of(subs(head + "    workflow: build\n")),
            V{"12:15: subscription 0 references non-existent workflow 'build'"});
}

TEST(Subscription, InputsAgainstTheWorkflow) {
  const std::string head = "  - artifact: o/r:a\n    events: [e]\n    workflow: deploy\n";
  EXPECT_EQ(errors_of(subs(head)), V{"10:5: " + S0 + "required input 'version' of workflow 'deploy' is not mapped"});
  EXPECT_EQ(errors_of(subs(head + "    inputs: {note: x, extra: \"{{ .payload.y }}\", bad: \"{{ .payload\"}\n")),
            (V{"13:13: " + S0 + "required input 'version' of workflow 'deploy' is not mapped",
               "13:23: " + S0 + "input 'extra' is not declared by workflow 'deploy'",
               "13:50: " + S0 + "input 'bad' is not declared by workflow 'deploy'",
               "13:55: " + S0 + "input 'bad': template parse error: template: subscriptions.0.inputs.bad:1: "
                                "unclosed action"}));
}

TEST(Subscription, IndexesAreRelativeToTheirList) {
  auto errs = errors_of("version: 1\n" + kWorkflows + R"(subscriptions:
  - {artifact: o/r:a, events: [e], workflow: deploy, inputs: {version: v}}
events:
  subscriptions:
    - {artifact: o/r:a, events: [e], workflow: deploy, inputs: {version: v}}
    - {artifact: o/r:a, events: [e], workflow: nope}
)");
  EXPECT_EQ(errs, V{"14:48: subscription 1 references non-existent workflow 'nope'"});
}

TEST(Subscription, WrongKindsAndUnknownKeys) {
  EXPECT_EQ(errors_of(subs("  - x\n")), V{"10:5: " + S0 + "expected a mapping"});
  EXPECT_EQ(warnings_of(subs("  - {artifact: o/r:a, events: [e], workflow: deploy, inputs: {version: v}, when: x}\n")),
            (V{"6:52: input 'env' is required; its default is never used", "10:76: unknown key 'when'"}));
}

}  // namespace
}  // namespace tako::config
