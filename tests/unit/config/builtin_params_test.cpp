// Built-in step parameters (REFERENCE.md §10.1, §13) at load time and run time.
#include <gtest/gtest.h>

#include "tako/config/builtin_steps.h"
#include "test_support.h"

namespace tako::config {
namespace {

using nlohmann::json;
using testing::errors_of;
using testing::warnings_of;
using testing::with_steps;
using V = std::vector<std::string>;

const std::string W = "invalid workflow 'w': ";

V messages(Builtin b, const char* with_json, bool load_time = true, const char* uses = "tako/fan-out@v1") {
  V out;
  for (const auto& p : check_builtin_params(b, json::parse(with_json), uses, load_time)) {
    out.push_back((p.warning ? "W " : "E ") + p.key + ": " + p.message);
  }
  return out;
}

TEST(FanOutParams, Valid) {
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":"lib_built","payload":{"v":"1"},"schema_version":"1.2.3",
    "artifact":"lib","wait_for_children":true,"timeout":"30m","concurrency_limit":"2","isolation":"worktree",
    "fail_fast":false})"),
            V{});
}

TEST(FanOutParams, EveryRule) {
  EXPECT_EQ(messages(Builtin::FanOut, R"({})"), V{"E event_type: event_type is required for fan-out step"});
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":""})"),
            V{"E event_type: event_type is required for fan-out step"});
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":"Lib-Built","payload":[1],"schema_version":1,
    "artifact":5,"wait_for_children":"yes","timeout":5,"concurrency_limit":1.5,"isolation":"copy","fail_fast":1})"),
            (V{"E event_type: event_type 'Lib-Built' must be snake_case (lowercase letters, numbers, underscores only)",
               "E payload: payload must be a map", "E schema_version: schema_version must be a string",
               "E artifact: artifact must be a string", "E wait_for_children: wait_for_children must be a boolean",
               "E timeout: timeout must be a string", "E concurrency_limit: concurrency_limit must be an integer",
               "E isolation: isolation must be one of: shared, worktree", "E fail_fast: fail_fast must be a boolean"}));
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":"e","schema_version":"1.0","timeout":"0s",
    "concurrency_limit":-1})"),
            (V{"E schema_version: schema_version '1.0' must follow semantic versioning format (x.y.z)",
               "E timeout: timeout must be positive", "E concurrency_limit: concurrency_limit must be >= 0"}));
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":"e","timeout":"soon","concurrency_limit":"x"})"),
            (V{"E timeout: time: invalid duration \"soon\"", "E concurrency_limit: concurrency_limit must be an integer"}));
}

TEST(FanOutParams, TemplatesAreNotTypeCheckedAtLoadTime) {
  const char* with = R"({"event_type":"{{ .inputs.t }}","wait_for_children":"{{ .inputs.w }}","timeout":"{{ .inputs.d }}"})";
  EXPECT_EQ(messages(Builtin::FanOut, with, true), V{});
  EXPECT_EQ(messages(Builtin::FanOut, with, false).size(), 3u);
}

TEST(FanOutParams, UnknownParametersAreWarnings) {
  EXPECT_EQ(messages(Builtin::FanOut, R"({"event_type":"e","zeta":1,"alpha":2})"),
            (V{"W alpha: unknown parameter 'alpha' for tako/fan-out@v1",
               "W zeta: unknown parameter 'zeta' for tako/fan-out@v1"}));
}

TEST(FanOutParams, ParseForRunTime) {
  auto p = parse_fan_out_params(json::parse(R"({"event_type":"e","timeout":"1m30s","concurrency_limit":"3",
    "payload":{"a":1},"wait_for_children":true})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->event_type, "e");
  EXPECT_EQ(p->timeout, std::chrono::seconds(90));
  EXPECT_EQ(*p->timeout_text, "1m30s");
  EXPECT_EQ(p->concurrency_limit, 3);
  EXPECT_TRUE(p->wait_for_children);
  EXPECT_FALSE(p->fail_fast);
  EXPECT_EQ(p->payload, json::parse(R"({"a":1})"));
  auto bad = parse_fan_out_params(json::parse(R"({"payload":{}})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "event_type is required for fan-out step");
}

TEST(PollParams, Rules) {
  EXPECT_EQ(messages(Builtin::Poll, R"({})", true, "tako/poll@v1"),
            V{"E target: poll target must be 'step' or 'command'"});
  EXPECT_EQ(messages(Builtin::Poll, R"({"target":"step"})", true, "tako/poll@v1"),
            V{"E step_id: poll target 'step' requires step_id"});
  EXPECT_EQ(messages(Builtin::Poll, R"({"target":"command","interval":"fast","success_on_exit_code":"x"})", true,
                     "tako/poll@v1"),
            (V{"E command: poll target 'command' requires command", "E interval: time: invalid duration \"fast\"",
               "E success_on_exit_code: success_on_exit_code must be an integer"}));
  auto p = parse_poll_params(json::parse(R"({"target":"command","command":"true","timeout":"2s"})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->interval, std::chrono::seconds(5));
  EXPECT_EQ(p->timeout, std::chrono::seconds(2));
  EXPECT_EQ(p->timeout_text, "2s");
}

TEST(OtherBuiltins, RequiredParameters) {
  EXPECT_EQ(messages(Builtin::Checkout, R"({"fetch":"no"})", true, "tako/checkout@v1"),
            (V{"E ref: ref is required for tako/checkout@v1", "E fetch: fetch must be a boolean"}));
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"ecosystem":"gradle"})", true, "tako/update-dependency@v1"),
            (V{"E name: name is required for tako/update-dependency@v1",
               "E version: version is required for tako/update-dependency@v1",
               "E ecosystem: ecosystem must be one of: go, npm, maven, cargo, pip"}));
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1.5"})", true, "tako/update-dependency@v1"),
            V{});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"body":"b","draft":true,"labels":[]})", true,
                     "tako/create-pull-request@v1"),
            (V{"E title: title is required for tako/create-pull-request@v1",
               "W labels: unknown parameter 'labels' for tako/create-pull-request@v1"}));
}

TEST(CreatePullRequestParams, LoadTimeRules) {
  const char* u = "tako/create-pull-request@v1";
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","body":"b","base":"main","head":"tako/x",
    "commit_message":"m","draft":false})", true, u),
            V{});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":""})", true, u),
            V{"E title: title is required for tako/create-pull-request@v1"});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":{"a":1},"body":[1],"base":{},"head":[],
    "commit_message":{},"draft":"yes"})", true, u),
            (V{"E title: title must be a string", "E body: body must be a string", "E base: base must be a string",
               "E head: head must be a string", "E commit_message: commit_message must be a string",
               "E draft: draft must be a boolean"}));
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","base":"a..b","head":"-x"})", true, u),
            (V{"E base: base 'a..b' is not a valid branch name", "E head: head '-x' is not a valid branch name"}));
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","head":"main"})", true, u),
            V{"E head: head and base must be different branches (both are 'main')"});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","head":"dev","base":"dev"})", true, u),
            V{"E head: head and base must be different branches (both are 'dev')"});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","head":"main","base":"{{ .b }}"})", true, u), V{});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","head":"","base":""})", true, u), V{});
  // Templates are checked once rendered; an empty name takes the default.
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"{{ .x }}","head":"{{ .x }} y","base":"",
    "draft":"{{ .d }}"})", true, u),
            V{});
  EXPECT_EQ(messages(Builtin::CreatePullRequest, R"({"title":"t","head":"a b","draft":"{{ .d }}"})", false, u),
            (V{"E head: head 'a b' is not a valid branch name", "E draft: draft must be a boolean"}));
}

TEST(CreatePullRequestParams, RunTimeValuesAndDefaults) {
  auto p = parse_create_pull_request_params(json::parse(R"({"title":"Bump"})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->title, "Bump");
  EXPECT_EQ(p->body, "");
  EXPECT_EQ(p->base, "main");
  EXPECT_EQ(p->head, "");
  EXPECT_EQ(p->commit_message, "");
  EXPECT_FALSE(p->draft);
  p = parse_create_pull_request_params(json::parse(R"({"title":12,"body":"b","base":"dev","head":"h/1",
    "commit_message":"m","draft":"true","extra":1})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->title, "12");
  EXPECT_EQ(p->body, "b");
  EXPECT_EQ(p->base, "dev");
  EXPECT_EQ(p->head, "h/1");
  EXPECT_EQ(p->commit_message, "m");
  EXPECT_TRUE(p->draft);
  p = parse_create_pull_request_params(json::parse(R"({"title":"t","base":"","draft":"false"})"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->base, "main");
  EXPECT_FALSE(p->draft);
  p = parse_create_pull_request_params(json::parse(R"({"title":"t","draft":true})"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->draft);
  EXPECT_EQ(parse_create_pull_request_params(json::parse(R"({"title":""})")).error().message,
            "title is required for tako/create-pull-request@v1");
  EXPECT_EQ(parse_create_pull_request_params(json::parse(R"({"title":"t","draft":"yes"})")).error().message,
            "draft must be a boolean");
  EXPECT_EQ(parse_create_pull_request_params(json::parse("null")).error().message,
            "title is required for tako/create-pull-request@v1");
}

TEST(BranchNames, GitRules) {
  for (const char* ok : {"main", "tako/exec-20240726-143022-a7b3c1d2", "feature/a.b", "a@b", "x-1", "v1.2",
                         "_", "a#b", "UPPER"}) {
    EXPECT_TRUE(is_valid_branch_name(ok)) << ok;
  }
  for (const char* bad : {"", "@", "HEAD", "-x", "/x", "x/", "x.", "a..b", "a@{b", "a//b", "a b", "a~b", "a^b",
                          "a:b", "a?b", "a*b", "a[b", "a\\b", ".x", "x/.y", "x.lock", "x.lock/y", "a\tb", "a\x7f"}) {
    EXPECT_FALSE(is_valid_branch_name(bad)) << bad;
  }
}

const char* const kUD = "tako/update-dependency@v1";

TEST(UpdateDependencyParams, Valid) {
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"github.com/o/lib","version":"v1.2.3+incompatible",
    "ecosystem":"go","path":"sub/go.mod","update_lock_files":true,"npm_registry":"http://r"})", true, kUD),
            V{});
  // An integer version is its decimal text; the strings "true"/"false" are booleans (a rendered template).
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":2,"update_lock_files":"false"})", true, kUD),
            V{});
  // Empty ecosystem and path mean "not given".
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","ecosystem":"","path":""})", true, kUD),
            V{});
  // The ecosystem comes from the file name, or from `ecosystem`.
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","path":"reqs/dev.txt"})", true, kUD), V{});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","path":"deps.lst","ecosystem":"pip"})",
                     true, kUD),
            V{});
}

TEST(UpdateDependencyParams, EveryRule) {
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"","version":"","extra":1})", true, kUD),
            (V{"E name: name is required for tako/update-dependency@v1",
               "E version: version is required for tako/update-dependency@v1",
               "W extra: unknown parameter 'extra' for tako/update-dependency@v1"}));
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":1.10})", true, kUD),
            V{"E version: version must be a string: quote it (YAML reads 1.10 as the number 1.1)"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":true})", true, kUD),
            V{"E version: version must be a string"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"^1.0 \"x"})", true, kUD),
            V{"E version: version '^1.0 \"x' is not a valid version (letters, digits, '.', '-', '+', '_', '!')"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","ecosystem":3,"path":["a"]})", true, kUD),
            (V{"E ecosystem: ecosystem must be one of: go, npm, maven, cargo, pip", "E path: path must be a string"}));
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","path":"/etc/go.mod"})", true, kUD),
            V{"E path: path '/etc/go.mod' escapes the repository"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","path":"a/../../go.mod"})", true, kUD),
            V{"E path: path 'a/../../go.mod' escapes the repository"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","path":"build.gradle"})", true, kUD),
            V{"E path: cannot tell the ecosystem of 'build.gradle': set ecosystem (go, npm, maven, cargo, pip)"});
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","update_lock_files":"yes",
    "npm_registry":{}})", true, kUD),
            (V{"E update_lock_files: update_lock_files must be a boolean", "E npm_registry: npm_registry must be a string"}));
}

TEST(UpdateDependencyParams, TemplatesAreCheckedAfterRendering) {
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"{{ .inputs.n }}","version":"{{ .inputs.v }}",
    "ecosystem":"{{ .inputs.e }}","path":"{{ .inputs.p }}","update_lock_files":"{{ .inputs.l }}"})", true, kUD),
            V{});
  // With the ecosystem a template, a path of unknown kind may still be fine.
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"1","ecosystem":"{{ .inputs.e }}",
    "path":"deps.lst"})", true, kUD),
            V{});
  // At run time the rendered text is checked.
  EXPECT_EQ(messages(Builtin::UpdateDependency, R"({"name":"x","version":"{{ .inputs.v }}"})", false, kUD),
            V{"E version: version '{{ .inputs.v }}' is not a valid version (letters, digits, '.', '-', '+', '_', '!')"});
}

TEST(UpdateDependencyParams, Parse) {
  auto p = parse_update_dependency_params(json::parse(R"({"name":"lib","version":3})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->name, "lib");
  EXPECT_EQ(p->version, "3");
  EXPECT_FALSE(p->ecosystem);
  EXPECT_FALSE(p->path);
  EXPECT_FALSE(p->update_lock_files);
  EXPECT_EQ(p->npm_registry, "");
  p = parse_update_dependency_params(json::parse(R"({"name":"lib","version":"1.0","ecosystem":"npm",
    "path":"web/package.json","update_lock_files":"true","npm_registry":"http://localhost:1"})"));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->ecosystem, "npm");
  EXPECT_EQ(p->path, "web/package.json");
  EXPECT_TRUE(p->update_lock_files);
  EXPECT_EQ(p->npm_registry, "http://localhost:1");
  p = parse_update_dependency_params(json::parse(R"({"name":"lib","version":"1","update_lock_files":true,
    "ecosystem":"","path":""})"));
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->update_lock_files);
  EXPECT_FALSE(p->ecosystem);
  EXPECT_FALSE(p->path);
  auto bad = parse_update_dependency_params(json::parse(R"({"version":"1"})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "name is required for tako/update-dependency@v1");
  bad = parse_update_dependency_params(json::parse("null"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "name is required for tako/update-dependency@v1");
}

TEST(BuiltinsInFiles, PositionsAndWarnings) {
  EXPECT_EQ(errors_of(with_steps(R"(      - uses: tako/fan-out@v1
        with:
          event_type: Bad
          timeout: 10
      - uses: tako/checkout@v1
      - uses: tako/fan-out@v1
        with: x
)")),
            (V{"7:23: " + W + "invalid step 0: event_type 'Bad' must be snake_case (lowercase letters, numbers, "
                              "underscores only)",
               "8:20: " + W + "invalid step 0: timeout must be a string",
               "9:9: " + W + "invalid step 1: ref is required for tako/checkout@v1",
               "11:15: " + W + "invalid step 2: with: expected a mapping",
               "11:15: " + W + "invalid step 2: event_type is required for fan-out step"}));
  EXPECT_EQ(warnings_of(with_steps("      - uses: tako/checkout@v1\n        with: {ref: main, depth: 1}\n")),
            V{"6:27: unknown parameter 'depth' for tako/checkout@v1"});
}

TEST(BuiltinsInFiles, FanOutEventTypeMustBeDeclared) {
  const std::string head =
      "version: 1\nevents:\n  produces: [{type: built}]\nworkflows:\n  w:\n    inputs: {t: {}}\n    steps:\n";
  EXPECT_EQ(errors_of(head + "      - {uses: tako/fan-out@v1, with: {event_type: built}}\n"
                             "      - {uses: tako/fan-out@v1, with: {event_type: released}}\n"
                             "      - {uses: tako/fan-out@v1, with: {event_type: \"{{ .inputs.t }}\"}}\n"),
            V{"9:52: " + W + "invalid step 1: fan-out event_type 'released' is not declared under events.produces"});
  // Without events.produces any event type may be emitted.
  EXPECT_EQ(errors_of(with_steps("      - {uses: tako/fan-out@v1, with: {event_type: released}}\n")), V{});
}

TEST(BuiltinsInFiles, PollTargetStepMustBeAnEarlierLongRunningStep) {
  EXPECT_EQ(errors_of(with_steps(R"(      - {id: srv, run: serve, long_running: true}
      - {id: plain, run: x}
      - {uses: tako/poll@v1, with: {target: step, step_id: srv}}
      - {uses: tako/poll@v1, with: {target: step, step_id: plain}}
      - {uses: tako/poll@v1, with: {target: step, step_id: later}}
      - {uses: tako/poll@v1, with: {target: command, command: "curl -f localhost"}}
      - {id: later, run: y, long_running: true}
)")),
            (V{"8:60: " + W + "invalid step 3: step 'plain' is not a long_running step",
               "9:60: " + W + "invalid step 4: step 'later' is not a long_running step"}));
}

}  // namespace
}  // namespace tako::config
