// Bad input never crashes the loader: malformed YAML, wrong node kinds
// everywhere, huge and deep documents, aliases, duplicate and non-string keys,
// binary junk, random mutations.
#include <gtest/gtest.h>

#include <random>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::ConfigFile;
using testing::validate_text;

const char* kFull = R"(version: "1"
metadata: {name: o/r, description: d}
artifacts:
  lib: {path: p, ecosystem: go}
dependents:
  - {repo: o/x, artifacts: [lib], workflows: [w]}
events:
  produces:
    - {type: built, schema_version: 1.0.0, payload: {v: {type: string, required: true}}}
  subscriptions:
    - {artifact: "o/y:*", events: [built], workflow: w, inputs: {a: "{{ .payload.v }}"}}
subscriptions:
  - artifact: o/z:lib
    events: [{type: built, schema_version: ^1.0.0}]
    filter: "true"
    filters: ["true"]
    workflow: w
    inputs: {a: x}
workflows:
  w:
    on: exec
    image: alpine
    env: {A: "1"}
    secrets: [S]
    resources: {cpu_limit: "1", mem_limit: 1Gi}
    inputs:
      a: {type: string, required: true, validation: {enum: [x, y]}}
      n: {type: number, default: 1, validation: {min: 0, max: 9}}
    steps:
      - id: one
        name: first
        if: "true"
        run: echo {{ .inputs.a }}
        env: {T: S}
        timeout: 1m
        long_running: true
        network: none
        capabilities: [CHOWN]
        security_profile: strict
        volumes: [{source: /a, destination: /b, read_only: true}]
        resources: {disk_limit: 1GB}
        cache_key_files: [a]
        produces:
          artifact: lib
          outputs: {o: from_stdout}
          events: [{type: built, schema_version: 1.0.0, payload: {v: "{{ .outputs.o }}"}}]
        on_failure: [echo failed]
      - uses: tako/fan-out@v1
        with: {event_type: built, payload: {k: v}, timeout: 1m}
      - uses: tako/poll@v1
        with: {target: step, step_id: one}
)";

TEST(Robustness, TheFullDocumentIsValid) {
  auto r = validate_text(kFull);
  ASSERT_FALSE(r.load_error) << *r.load_error;
  for (const auto& e : r.errors) ADD_FAILURE() << e.line << ":" << e.column << ": " << e.message;
  EXPECT_TRUE(r.warnings.empty());
}

// Replaces the value of every "key: value" line, one at a time, by nodes of
// other kinds: the loader must answer with a report, never crash or throw.
TEST(Robustness, WrongKindsEverywhere) {
  const std::string full = kFull;
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < full.size()) {
    size_t end = full.find('\n', start);
    lines.push_back(full.substr(start, end - start));
    start = end + 1;
  }
  const char* replacements[] = {"[x, [y]]", "{a: {b: c}}", "", "~", "5", "\"\"", "'{{'", "*undefined_alias_is_bad",
                                "!!binary aGVsbG8=", "-1e999"};
  int reports = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t colon = lines[i].find(": ");
    if (colon == std::string::npos) continue;
    for (const char* rep : replacements) {
      std::string text;
      for (size_t j = 0; j < lines.size(); ++j) {
        text += (j == i ? lines[j].substr(0, colon + 2) + rep : lines[j]) + "\n";
      }
      auto r = validate_text(text);
      ++reports;
      if (r.load_error) {
        EXPECT_FALSE(r.load_error->empty());
      }
    }
  }
  EXPECT_GT(reports, 300);
}

TEST(Robustness, DeepNestingIsAnUnmarshalError) {
  std::string deep = "version: 1\nworkflows: ";
  for (int i = 0; i < 1500; ++i) deep += "[";
  for (int i = 0; i < 1500; ++i) deep += "]";
  auto r = validate_text(deep + "\n");
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(r.load_error->rfind("could not unmarshal config: ", 0), 0u) << *r.load_error;

  std::string nested_steps = "version: 1\nworkflows:\n  w:\n    steps:\n";
  std::string indent = "      ";
  for (int i = 0; i < 200; ++i) {
    nested_steps += indent + "- run: x\n" + indent + "  on_failure:\n";
    indent += "    ";
  }
  nested_steps += indent + "- run: y\n";
  auto n = validate_text(nested_steps);
  ASSERT_TRUE(n.load_error);
  EXPECT_NE(n.load_error->find("document nesting exceeds 256 levels"), std::string::npos) << *n.load_error;

  std::string ok_steps = "version: 1\nworkflows:\n  w:\n    steps:\n";
  indent = "      ";
  for (int i = 0; i < 40; ++i) {
    ok_steps += indent + "- run: x\n" + indent + "  on_failure:\n";
    indent += "    ";
  }
  ok_steps += indent + "- run: y\n";
  auto ok = validate_text(ok_steps);
  EXPECT_FALSE(ok.load_error);
  EXPECT_TRUE(ok.errors.empty());
}

TEST(Robustness, SelfReferencingAliasIsAnUnmarshalError) {
  ConfigFile f("version: 1\nworkflows: &w\n  a: {steps: *w}\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_NE(r.load_error->find("or an alias refers to itself"), std::string::npos) << *r.load_error;
}

TEST(Robustness, AliasBombIsAnUnmarshalError) {
  std::string bomb = "version: 1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) bomb += std::string(j ? ", " : "") + "*a" + std::to_string(i - 1);
    bomb += "]\n";
  }
  auto r = validate_text(bomb);
  ASSERT_TRUE(r.load_error);
  EXPECT_NE(r.load_error->find("document too large: more than 1000000 nodes after alias expansion"),
            std::string::npos)
      << *r.load_error;
}

TEST(Robustness, AliasesAreExpanded) {
  auto r = validate_text(R"(version: 1
x-common: &common {run: echo shared, timeout: 1m}
workflows:
  w:
    steps:
      - *common
      - *common
)");
  ASSERT_FALSE(r.load_error);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.config.workflows[0].steps.size(), 2u);
  EXPECT_EQ(r.config.workflows[0].steps[1].id, "step-2");
  EXPECT_EQ(*r.config.workflows[0].steps[1].run, "echo shared");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0].message, "unknown key 'x-common'");
}

TEST(Robustness, HugeScalarsAndManySteps) {
  std::string digits(200000, '7');
  std::string text = "version: 1\nworkflows:\n  w:\n    steps:\n      - uses: tako/fan-out@v1\n        with: {event_type: e, "
                     "payload: {big: " + digits + "}, concurrency_limit: " + digits + "}\n";
  for (int i = 0; i < 3000; ++i) text += "      - echo " + std::to_string(i) + " {{ .steps.step-1 }}\n";
  auto r = validate_text(text);
  ASSERT_FALSE(r.load_error);
  EXPECT_EQ(r.config.workflows[0].steps.size(), 3001u);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].message, "invalid workflow 'w': invalid step 0: concurrency_limit must be an integer");
}

TEST(Robustness, BinaryJunk) {
  std::string junk;
  std::mt19937 rng(42);
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>(rng() & 0xff));
  auto r = validate_text(junk);
  EXPECT_TRUE(r.load_error || !r.errors.empty());
  auto nul = validate_text(std::string("version: 1\0\xff\xfe: x\n", 18));
  EXPECT_TRUE(nul.load_error || !nul.errors.empty() || !nul.warnings.empty() || nul.config.version == "1");
}

TEST(Robustness, NonStringKeysInFreeFormMappings) {
  auto r = validate_text("version: 1\nworkflows:\n  ? [a]\n  : {steps: [x]}\n  ? {b: 1}\n  : {}\n  1: {steps: [x]}\n");
  ASSERT_FALSE(r.load_error);
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].message, "mapping key must be a scalar, got a sequence");
  EXPECT_EQ(r.errors[1].message, "mapping key must be a scalar, got a mapping");
  EXPECT_EQ(r.errors[2].message,
            "invalid workflow '1': invalid workflow name '1': must start with a letter and contain only letters, "
            "numbers, underscores, and hyphens");
}

// Random byte mutations of the full document: any outcome but a crash.
TEST(Robustness, RandomMutations) {
  const std::string full = kFull;
  std::mt19937 rng(7);
  const char alphabet[] = "{}[]:,-&*!|>'\"#%@`\n\t ?~0aZ";
  for (int round = 0; round < 400; ++round) {
    std::string text = full;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      size_t pos = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[pos] = alphabet[rng() % (sizeof alphabet - 1)]; break;
        case 1: text.erase(pos, 1 + rng() % 8); break;
        default: text.insert(pos, 1, alphabet[rng() % (sizeof alphabet - 1)]); break;
      }
    }
    auto r = validate_text(text);
    (void)r;
  }
  SUCCEED();
}

}  // namespace
}  // namespace tako::config
