// Top level of tako.yml (REFERENCE.md §4.2) and the generic rules of §4.1.
#include <gtest/gtest.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using testing::validate_text;
using testing::warnings_of;
using V = std::vector<std::string>;

TEST(TopLevel, VersionIsRequired) {
  EXPECT_EQ(errors_of("metadata: {name: a/b}\n"), V{"1:1: missing required field: version"});
  EXPECT_EQ(errors_of("version:\n"), V{"1:1: missing required field: version"});
  EXPECT_EQ(errors_of("version: ''\n"), V{"1:10: missing required field: version"});
}

TEST(TopLevel, VersionIsReadAsAString) {
  auto r = validate_text("version: 1.0\n");
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.version, "1.0");
}

TEST(TopLevel, WrongKinds) {
  EXPECT_EQ(errors_of("version: [1]\n"), V{"1:10: version: expected a scalar"});
  EXPECT_EQ(errors_of("version: 1\nmetadata: [a]\n"), V{"2:11: metadata: expected a mapping"});
  EXPECT_EQ(errors_of("version: 1\nworkflows: [a]\n"), V{"2:12: workflows: expected a mapping"});
  EXPECT_EQ(errors_of("version: 1\ndependents: {a: 1}\n"), V{"2:13: dependents: expected a sequence"});
  EXPECT_EQ(errors_of("version: 1\nsubscriptions: x\n"), V{"2:16: subscriptions: expected a sequence"});
  EXPECT_EQ(errors_of("version: 1\nevents: x\n"), V{"2:9: events: expected a mapping"});
}

TEST(TopLevel, EmptyValuesCountAsAbsent) {
  EXPECT_EQ(errors_of("version: 1\nmetadata:\nartifacts:\ndependents:\nevents:\nsubscriptions:\nworkflows:\n"), V{});
}

TEST(TopLevel, UnknownKeysAreWarningsAtTheKey) {
  EXPECT_EQ(warnings_of("version: 1\nfoo: 1\nmetadata:\n  name: a/b\n  extra: x\n"),
            (V{"2:1: unknown key 'foo'", "5:3: unknown key 'extra'"}));
  EXPECT_EQ(errors_of("version: 1\nfoo: 1\n"), V{});
}

TEST(TopLevel, NonScalarKeysAreErrors) {
  EXPECT_EQ(errors_of("version: 1\n? [a]\n: b\n"), V{"2:3: mapping key must be a scalar, got a sequence"});
}

TEST(TopLevel, MetadataName) {
  EXPECT_EQ(errors_of("version: 1\nmetadata: {name: my-org/app}\n"), V{});
  EXPECT_EQ(errors_of("version: 1\nmetadata: {name: app.v2}\n"), V{});
  EXPECT_EQ(errors_of("version: 1\nmetadata: {name: a/b/c}\n"),
            V{"2:18: invalid metadata.name 'a/b/c': expected 'owner/repo'"});
  EXPECT_EQ(errors_of("version: 1\nmetadata: {name: /b}\n"),
            V{"2:18: invalid metadata.name '/b': expected 'owner/repo'"});
  EXPECT_EQ(errors_of("version: 1\nmetadata: {name: 'a b'}\n"),
            V{"2:18: invalid metadata.name 'a b': expected 'owner/repo'"});
}

TEST(TopLevel, Artifacts) {
  auto r = validate_text("version: 1\nartifacts:\n  go-lib: {path: ./go.mod, ecosystem: go}\n  bad.name: {}\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].column, 3);
  EXPECT_EQ(r.errors[0].message,
            "invalid artifact name 'bad.name': must start with a letter and contain only letters, numbers, "
            "underscores, and hyphens");
  ASSERT_EQ(r.config.artifacts.size(), 2u);
  EXPECT_EQ(r.config.artifacts[0].name, "go-lib");
  EXPECT_EQ(r.config.artifacts[0].path, "./go.mod");
  EXPECT_EQ(r.config.artifacts[0].ecosystem, "go");
  EXPECT_EQ(warnings_of("version: 1\nartifacts:\n  a: {path: x, colour: red}\n"), V{"3:16: unknown key 'colour'"});
}

TEST(TopLevel, Dependents) {
  EXPECT_EQ(errors_of("version: 1\ndependents:\n  - repo: o/r\n  - repo: o/r:release\n    artifacts: [a]\n"
                      "    workflows: [w]\n"),
            V{});
  const std::string msg = ": repo must be in format 'owner/repo' or 'owner/repo:branch'";
  EXPECT_EQ(errors_of("version: 1\ndependents:\n  - repo: o\n  - repo: 'o/r:'\n  - artifacts: [a]\n  - x\n"),
            (V{"3:11: dependents 0" + msg, "4:11: dependents 1" + msg, "5:5: dependents 2" + msg,
               "6:5: dependents[3]: expected a mapping"}));
  auto r = validate_text("version: 1\ndependents:\n  - {repo: o/r:dev, artifacts: [x], workflows: [y, z]}\n");
  ASSERT_EQ(r.config.dependents.size(), 1u);
  EXPECT_EQ(r.config.dependents[0].repo, "o/r:dev");
  EXPECT_EQ(r.config.dependents[0].workflows, (V{"y", "z"}));
}

TEST(TopLevel, ProducedEvents) {
  auto r = validate_text(R"(version: 1
events:
  produces:
    - type: library_built
      schema_version: 1.4.0
      description: d
      payload:
        version: {type: string, required: true}
        size: integer
)");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.config.produces.size(), 1u);
  const auto& p = r.config.produces[0];
  EXPECT_EQ(p.type, "library_built");
  EXPECT_EQ(p.schema_version, "1.4.0");
  ASSERT_EQ(p.payload.size(), 2u);
  EXPECT_EQ(p.payload[0].first, "version");
  EXPECT_TRUE(p.payload[0].second.required);
  EXPECT_EQ(p.payload[1].second.type, "integer");
  EXPECT_FALSE(p.payload[1].second.required);

  EXPECT_EQ(errors_of(R"(version: 1
events:
  produces:
    - type: Built
    - schema_version: "1.0"
    - type: ok
      payload: {a: text}
    - type: ok
)"),
            (V{"4:13: invalid events.produces: event 0: event type 'Built' must be snake_case (lowercase letters, "
               "numbers, underscores only)",
               "5:7: invalid events.produces: event 1: event type cannot be empty",
               "5:23: invalid events.produces: event 1: schema version '1.0' must follow semantic versioning format "
               "(x.y.z)",
               "7:20: invalid events.produces: event 2: payload field 'a': invalid type 'text', must be one of: "
               "[string number integer boolean object array any]",
               "8:13: invalid events.produces: event 3: duplicate event type 'ok'"}));
}

TEST(TopLevel, SubscriptionsOrderTopLevelThenEvents) {
  auto r = validate_text(R"(version: 1
events:
  subscriptions:
    - {artifact: "o/b:x", events: [e2], workflow: w}
subscriptions:
  - {artifact: "o/a:x", events: [e1], workflow: w}
workflows:
  w: {steps: [echo]}
)");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.config.subscriptions.size(), 2u);
  EXPECT_EQ(r.config.subscriptions[0].source_repo, "o/a");
  EXPECT_FALSE(r.config.subscriptions[0].from_events);
  EXPECT_EQ(r.config.subscriptions[1].source_repo, "o/b");
  EXPECT_TRUE(r.config.subscriptions[1].from_events);
  EXPECT_EQ(r.config.subscriptions[1].index, 0);
}

}  // namespace
}  // namespace tako::config
