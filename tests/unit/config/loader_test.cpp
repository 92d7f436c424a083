// Loading (REFERENCE.md §4.1): read and unmarshal errors, load_file's first error,
// the model built from valid files.
#include <gtest/gtest.h>

#include <filesystem>
#include <unistd.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::ConfigFile;
using testing::errors_of;
using testing::validate_text;

const char* kGreeter = R"(version: "1"
metadata: {name: my-org/greeter}
workflows:
  greet:
    inputs:
      name:  {type: string, default: World}
      shout: {type: boolean, default: false}
      fail:  {type: boolean, default: false}
    steps:
      - id: compose
        run: echo "Hello, {{ .inputs.name }}!"
        produces: {outputs: {greeting: from_stdout}}
      - id: shout
        if: inputs.shout
        run: echo {{ .steps.compose.outputs.greeting | upper | shell_quote }}
      - id: publish
        run: |
          echo "publishing {{ .steps.compose.greeting | shell_quote }}"
          echo "published_by=$TAKO_RUN_ID" >> "$TAKO_OUTPUT"
          test "{{ .inputs.fail }}" != "true"
        produces: {outputs: {published_by: "from_env:published_by"}}
        on_failure:
          - id: cleanup
            run: echo "cleaning up after $TAKO_FAILED_STEP"
)";

TEST(Loader, MissingFileIsAReadError) {
  util::TempDir dir("tako-config-test");
  auto r = validate_file(dir.path() + "/tako.yml");
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, "could not read config file: open " + dir.path() + "/tako.yml: no such file or directory");
  auto l = load_file(dir.path() + "/tako.yml");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().message, *r.load_error);
}

TEST(Loader, DirectoryIsAReadError) {
  util::TempDir dir("tako-config-test");
  std::filesystem::create_directory(dir.path() + "/tako.yml");
  auto r = validate_file(dir.path() + "/tako.yml");
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, "could not read config file: read " + dir.path() + "/tako.yml: is a directory");
}

TEST(Loader, SyntaxErrorIsAnUnmarshalError) {
  ConfigFile f("version: 1\nworkflows: [a, b\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, "could not unmarshal config: " + f.path() + ":3:1: flow sequence without a closing bracket");
  EXPECT_TRUE(r.errors.empty());
}

TEST(Loader, IllegalMapValue) {
  ConfigFile f("version: 1\nmetadata: name: x\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, "could not unmarshal config: " + f.path() + ":2:15: invalid nested block mapping on the same line");
}

TEST(Loader, DuplicateKeyIsAnUnmarshalError) {
  ConfigFile f("version: 1\nworkflows:\n  a: {steps: [x]}\n  a: {steps: [y]}\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error,
            "could not unmarshal config: " + f.path() + ":4:3: mapping key \"a\" already defined at line 3");
}

TEST(Loader, DedentedKeyIsNotSilentlyDropped) {
  // A dedented key does not silently start a second document.
  ConfigFile f("  version: 1\nworkflows: {}\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error,
            "could not unmarshal config: " + f.path() + ":2:1: invalid mapping in plain multiline");
}

TEST(Loader, OnlyTheFirstOfSeveralDocumentsIsRead) {
  auto r = validate_text("version: 1\n---\nbogus: [\n");
  // The second document is still parsed: its syntax error counts.
  ASSERT_TRUE(r.load_error);
  auto ok = validate_text("version: 1\n---\nother: 1\n");
  EXPECT_FALSE(ok.load_error);
  EXPECT_TRUE(ok.errors.empty());
  EXPECT_TRUE(ok.warnings.empty());
}

TEST(Loader, TopLevelMustBeAMapping) {
  ConfigFile f("- a\n- b\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error,
            "could not unmarshal config: " + f.path() + ":1:1: expected a mapping at the top level, got a sequence");
}

TEST(Loader, EmptyFileMissesVersion) {
  EXPECT_EQ(errors_of(""), (std::vector<std::string>{"1:1: missing required field: version"}));
}

TEST(Loader, LoadFileReportsTheFirstErrorInFileOrder) {
  ConfigFile f("workflows:\n  w:\n    steps: []\nversion: ''\n");
  auto l = load_file(f.path());
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().message,
            "failed to load config: " + f.path() + ":3:12: invalid workflow 'w': workflow must have at least one step");
}

TEST(Loader, LoadFileIgnoresWarnings) {
  ConfigFile f("version: 1\nunknown: x\n");
  auto l = load_file(f.path());
  ASSERT_TRUE(l.ok()) << l.error().message;
  EXPECT_EQ(l->version, "1");
}

TEST(Loader, PathIsMadeAbsoluteAndClean) {
  ConfigFile f("version: 1\nworkflows: {w: {steps: []}}\n");
  std::filesystem::path p(f.path());
  auto cwd = std::filesystem::current_path();
  std::filesystem::current_path(p.parent_path().parent_path());
  auto r = validate_file("./" + p.parent_path().filename().string() + "/./tako.yml");
  std::filesystem::current_path(cwd);
  EXPECT_EQ(r.config.path, f.path());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, f.path());
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].column, 24);
}

TEST(Loader, AppendixAGreeterIsValidAndModelled) {
  ConfigFile f(kGreeter);
  auto l = load_file(f.path());
  ASSERT_TRUE(l.ok()) << l.error().message;
  const Config& c = *l;
  EXPECT_EQ(c.path, f.path());
  EXPECT_EQ(c.version, "1");
  EXPECT_EQ(c.metadata_name, "my-org/greeter");
  const Workflow* w = c.find_workflow("greet");
  ASSERT_NE(w, nullptr);
  ASSERT_EQ(w->inputs.size(), 3u);
  EXPECT_EQ(w->inputs[0].name, "fail");  // sorted by name
  EXPECT_EQ(w->inputs[0].type, "boolean");
  EXPECT_EQ(*w->inputs[0].default_value, nlohmann::json(false));
  EXPECT_EQ(w->inputs[1].name, "name");
  EXPECT_EQ(*w->inputs[1].default_value, nlohmann::json("World"));
  EXPECT_EQ(w->inputs[1].default_text, "World");
  ASSERT_EQ(w->steps.size(), 3u);
  EXPECT_EQ(w->steps[0].id, "compose");
  EXPECT_EQ(w->steps[0].run_pos.line, 11);
  EXPECT_EQ(w->steps[0].run_pos.column, 14);
  ASSERT_EQ(w->steps[0].outputs.size(), 1u);
  EXPECT_EQ(w->steps[0].outputs[0].name, "greeting");
  EXPECT_EQ(w->steps[0].outputs[0].source, "from_stdout");
  EXPECT_EQ(*w->steps[1].if_expr, "inputs.shout");
  EXPECT_EQ(w->steps[1].if_pos.line, 14);
  ASSERT_EQ(w->steps[2].on_failure.size(), 1u);
  EXPECT_EQ(w->steps[2].on_failure[0].id, "cleanup");
  EXPECT_EQ(w->steps[2].on_failure[0].parent_id, "publish");
  EXPECT_EQ(w->steps[2].outputs[0].source, "from_env:published_by");
}

TEST(Loader, ModelKeepsAlternativeForms) {
  auto r = validate_text(R"(version: 1
workflows:
  w:
    env: [A=1, B=x=y]
    steps:
      - echo plain
      - run: make
        cache_key_files: go.sum
        with: {n: 5, s: "5", b: true, l: [1, 1.5, null]}
        env: {C: "{{ .inputs.x }}"}
    inputs:
      x: {type: number, default: 2.5}
)");
  ASSERT_FALSE(r.load_error);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const Workflow& w = r.config.workflows.at(0);
  EXPECT_EQ(w.env, (std::vector<std::pair<std::string, std::string>>{{"A", "1"}, {"B", "x=y"}}));
  ASSERT_EQ(w.steps.size(), 2u);
  EXPECT_EQ(*w.steps[0].run, "echo plain");
  EXPECT_EQ(w.steps[0].id, "step-1");
  EXPECT_FALSE(w.steps[0].id_explicit);
  EXPECT_EQ(w.steps[1].id, "step-2");
  EXPECT_EQ(w.steps[1].cache_key_files, std::vector<std::string>{"go.sum"});
  EXPECT_EQ(w.steps[1].with, nlohmann::json::parse(R"({"n":5,"s":"5","b":true,"l":[1,1.5,null]})"));
  EXPECT_EQ(*w.inputs[0].default_value, nlohmann::json(2.5));
}

}  // namespace
}  // namespace tako::config
