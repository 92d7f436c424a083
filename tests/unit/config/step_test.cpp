// Steps (REFERENCE.md §4.5), container fields (§12.2, §12.3) and step cross-checks (§4.7).
#include <gtest/gtest.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using testing::validate_text;
using testing::warnings_of;
using testing::with_steps;
using V = std::vector<std::string>;

const std::string W = "invalid workflow 'w': ";

TEST(Step, RunOrUses) {
  EXPECT_EQ(errors_of(with_steps("      - {name: x}\n      - {run: a, uses: tako/checkout@v1, with: {ref: main}}\n"
                                 "      - {run: ''}\n      - ''\n")),
            (V{"5:9: " + W + "invalid step 0: step must specify either 'run' or 'uses'",
               "6:9: " + W + "invalid step 1: step cannot specify both 'run' and 'uses'",
               "7:9: " + W + "invalid step 2: step must specify either 'run' or 'uses'",
               "8:9: " + W + "invalid step 3: step must specify either 'run' or 'uses'"}));
}

// run/uses of the wrong kind: only their kind error, not "must specify either" as if they were absent.
TEST(Step, RunOrUsesOfTheWrongKind) {
  EXPECT_EQ(errors_of(with_steps("      - run: {cmd: echo}\n      - uses: [tako/checkout@v1]\n")),
            (V{"5:14: " + W + "invalid step 0: run: expected a scalar",
               "6:15: " + W + "invalid step 1: uses: expected a scalar"}));
}

// `with:` on a run step used to be dropped without a word.
TEST(Step, WithOnARunStepIsAWarning) {
  EXPECT_EQ(warnings_of(with_steps("      - run: echo\n        with: {ref: main}\n")),
            (V{"6:9: 'with' has no effect on a 'run' step (it is for 'uses' steps)"}));
  EXPECT_EQ(warnings_of(with_steps("      - uses: tako/checkout@v1\n        with: {ref: main}\n")), V{});
}

TEST(Step, KindOfTheNode) {
  EXPECT_EQ(errors_of(with_steps("      - [a]\n      -\n      - echo ok\n")),
            (V{"5:7: " + W + "invalid step 1: step must be either a string or an object",
               "5:9: " + W + "invalid step 0: step must be either a string or an object"}));
}

TEST(Step, GeneratedAndDuplicateIds) {
  auto r = validate_text(with_steps(R"(      - echo 1
      - id: b
        run: x
        on_failure:
          - echo f1
          - run: echo f2
            on_failure: [echo nested]
      - run: echo 3
)"));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const auto& s = r.config.workflows[0].steps;
  EXPECT_EQ(s[0].id, "step-1");
  EXPECT_EQ(s[1].id, "b");
  EXPECT_EQ(s[1].on_failure[0].id, "b-on-failure-1");
  EXPECT_EQ(s[1].on_failure[1].id, "b-on-failure-2");
  EXPECT_EQ(s[1].on_failure[1].on_failure[0].id, "b-on-failure-2-on-failure-1");
  EXPECT_EQ(s[2].id, "step-3");

  EXPECT_EQ(errors_of(with_steps("      - echo 1\n      - {id: step-1, run: x}\n      - {id: a, run: x, on_failure: "
                                 "[{id: a, run: y}]}\n")),
            (V{"6:14: " + W + "duplicate step id 'step-1'", "7:43: " + W + "duplicate step id 'a'"}));
}

TEST(Step, InvalidId) {
  EXPECT_EQ(errors_of(with_steps("      - {id: 1st, run: x}\n      - {id: 'a b', run: x}\n")),
            (V{"5:14: " + W + "invalid step 0: invalid step id '1st': must start with a letter or underscore and "
                              "contain only letters, numbers, underscores, and hyphens",
               "6:14: " + W + "invalid step 1: invalid step id 'a b': must start with a letter or underscore and "
                              "contain only letters, numbers, underscores, and hyphens"}));
}

TEST(Step, BuiltinNamesAndVersions) {
  EXPECT_EQ(errors_of(with_steps("      - uses: tako/checkout\n      - uses: tako/clone@v1\n"
                                 "      - uses: tako/checkout@v2\n      - uses: actions/checkout@v4\n")),
            (V{"5:15: " + W + "invalid step 0: built-in step 'tako/checkout' must include version (e.g., "
                              "'tako/checkout@v1')",
               "6:15: " + W + "invalid step 1: unknown built-in step 'tako/clone'",
               "7:15: " + W + "invalid step 2: built-in step 'tako/checkout' version 'v2' is not supported. "
                              "Supported versions: [v1]",
               "8:15: " + W + "invalid step 3: unknown built-in step 'actions/checkout'"}));
}

TEST(Step, ImageWithUses) {
  EXPECT_EQ(errors_of(with_steps("      - {uses: tako/checkout@v1, with: {ref: v1}, image: alpine}\n")),
            V{"5:58: " + W + "invalid step 0: step cannot specify both 'image' and 'uses'"});
}

TEST(Step, LongRunningOnlyForRun) {
  EXPECT_EQ(errors_of(with_steps("      - {run: server, long_running: true}\n"
                                 "      - {uses: tako/checkout@v1, with: {ref: x}, long_running: true}\n")),
            V{"6:64: " + W + "invalid step 1: long_running is only supported for 'run' steps"});
}

TEST(Step, Timeout) {
  auto r = validate_text(with_steps("      - {run: x, timeout: 1h30m}\n"));
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(*r.config.workflows[0].steps[0].timeout, "1h30m");
  EXPECT_EQ(errors_of(with_steps("      - {run: x, timeout: 5 minutes}\n      - {run: x, timeout: 10}\n"
                                 "      - {run: x, timeout: -1s}\n")),
            (V{"5:27: " + W + "invalid step 0: invalid timeout: time: unknown unit \" minutes\" in duration \"5 minutes\"",
               "6:27: " + W + "invalid step 1: invalid timeout: time: missing unit in duration \"10\"",
               "7:27: " + W + "invalid step 2: invalid timeout: timeout must be positive"}));
}

TEST(Step, ContainerFields) {
  auto r = validate_text(with_steps(R"(      - run: make
        image: ghcr.io/org/builder:1.2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        network: my-net
        capabilities: [net_admin, CAP_SYS_TIME]
        security_profile: moderate
        volumes:
          - {source: /data, destination: /data, read_only: true}
        resources: {cpu_limit: "1.5", mem_limit: 256}
)"));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const Step& s = r.config.workflows[0].steps[0];
  EXPECT_EQ(*s.network, "my-net");
  EXPECT_EQ(s.capabilities, (V{"net_admin", "CAP_SYS_TIME"}));
  ASSERT_EQ(s.volumes.size(), 1u);
  EXPECT_TRUE(s.volumes[0].read_only);
  EXPECT_EQ(s.resources.cpu_limit, "1.5");

  EXPECT_EQ(errors_of(with_steps(R"(      - run: make
        image: "Alpine!"
        network: "my net"
        capabilities: [SYS_MAGIC]
        security_profile: lax
        volumes:
          - {source: data, destination: /a/../b}
          - {destination: /x}
          - x
)")),
            (V{"6:16: " + W + "invalid step 0: invalid container image name: Alpine!",
               "7:18: " + W + "invalid step 0: invalid network name: my net",
               "8:24: " + W + "invalid step 0: invalid capability: SYS_MAGIC",
               "9:27: " + W + "invalid step 0: invalid security profile: lax",
               "11:22: " + W + "invalid step 0: invalid volume source path: relative paths not allowed for volume "
                               "mounts: data",
               "11:41: " + W + "invalid step 0: invalid volume destination path: path traversal detected in volume "
                               "path: /a/../b",
               "12:13: " + W + "invalid step 0: invalid volume source path: relative paths not allowed for volume "
                               "mounts: ",
               "13:13: " + W + "invalid step 0: volumes[2]: expected a mapping"}));
}

TEST(Step, CacheKeyFiles) {
  auto r = validate_text(with_steps("      - {run: x, cache_key_files: [go.sum, \"**/*.go\"]}\n"));
  EXPECT_EQ(r.config.workflows[0].steps[0].cache_key_files, (V{"go.sum", "**/*.go"}));
  EXPECT_EQ(errors_of(with_steps("      - {run: x, cache_key_files: {a: b}}\n")),
            V{"5:35: " + W + "invalid step 0: cache_key_files: expected a sequence"});
}

TEST(Step, ProducesOutputs) {
  auto r = validate_text(with_steps(R"(      - run: x
        produces:
          outputs:
            z: from_stderr
            a: from_file:dist/VERSION
            m: "{{ .stdout | trim }}"
            e: from_env:MY_VAR
)"));
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const auto& o = r.config.workflows[0].steps[0].outputs;
  ASSERT_EQ(o.size(), 4u);
  EXPECT_EQ(o[0].name, "a");
  EXPECT_EQ(o[1].name, "e");
  EXPECT_EQ(o[2].name, "m");
  EXPECT_EQ(o[3].name, "z");

  const std::string P = W + "invalid step 0: invalid produces section: ";
  EXPECT_EQ(errors_of(with_steps(R"(      - run: x
        produces:
          outputs:
            outputs: from_stdout
            a: ""
            b: from_file:/etc/passwd
            c: from_file:../x
            d: from_env:1X
            e: stdout
            f:
            g: "from_file:"
)")),
            (V{"8:13: " + P + "output name 'outputs' is reserved", "9:16: " + P + "output 'a' cannot have empty value",
               "10:16: " + P + "output 'b' has invalid format 'from_file:/etc/passwd'",
               "11:16: " + P + "output 'c' has invalid format 'from_file:../x'",
               "12:16: " + P + "output 'd' has invalid format 'from_env:1X'",
               "13:16: " + P + "output 'e' has invalid format 'stdout'", "14:13: " + P + "output 'f' cannot have empty value",
               "15:16: " + P + "output 'g' has invalid format 'from_file:'"}));
}

TEST(Step, ProducesArtifactAndEvents) {
  const std::string head = "version: 1\nartifacts: {lib: {}}\nworkflows:\n  w:\n    steps:\n";
  auto r = validate_text(head + R"(      - run: x
        produces:
          artifact: lib
          events:
            - {type: built, schema_version: 1.0.0, payload: {v: "{{ .outputs.v }}", n: 1}}
)");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  const auto& ev = r.config.workflows[0].steps[0].produces_events;
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, "built");
  EXPECT_EQ(ev[0].schema_version, "1.0.0");
  ASSERT_EQ(ev[0].payload.size(), 2u);
  EXPECT_EQ(ev[0].payload[1].second, nlohmann::json(1));
  EXPECT_EQ(*r.config.workflows[0].steps[0].produces_artifact, "lib");

  const std::string P = W + "invalid step 0: invalid produces section: invalid events: ";
  EXPECT_EQ(errors_of(head + R"(      - run: x
        produces:
          artifact: app
          events:
            - {schema_version: 1.0.0}
            - {type: Built}
            - {type: ok, schema_version: v1}
            - {type: ok, payload: [x]}
)"),
            (V{"8:21: " + W + "invalid step 0: produces.artifact 'app' is not declared under artifacts",
               "10:15: " + P + "event 0: event type cannot be empty",
               "11:22: " + P + "event 1: event type 'Built' must be snake_case (lowercase letters, numbers, "
                               "underscores only)",
               "12:42: " + P + "event 2 (ok): schema version 'v1' must follow semantic versioning format (x.y.z)",
               "13:35: " + P + "event 3: payload: expected a mapping"}));
}

TEST(Step, OnFailureWrapping) {
  EXPECT_EQ(errors_of(with_steps(R"(      - run: x
        on_failure:
          - echo ok
          - {name: nothing}
          - run: y
            on_failure: [{uses: tako/poll}]
)")),
            (V{"8:13: " + W + "invalid step 0: invalid failure step 1: step must specify either 'run' or 'uses'",
               "10:33: " + W + "invalid step 0: invalid failure step 2: invalid failure step 0: built-in step "
                               "'tako/poll' must include version (e.g., 'tako/checkout@v1')"}));
}

TEST(Step, TemplatesAreChecked) {
  const std::string head = "version: 1\nworkflows:\n  w:\n    secrets: [TOKEN]\n    inputs: {name: {}}\n    steps:\n";
  EXPECT_EQ(errors_of(head + R"(      - id: first
        run: echo {{ .inputs.name }} {{ .Inputs.nope }} {{ .steps.second.x }}
        env: {T: TOKEN, U: "{{ .env.TOKEN }}", V: "{{ .env.HOME }}"}
      - id: second
        run: "{{ .steps.first.outputs.x }} {{ index .inputs \"gone\" }}"
        produces: {outputs: {o: "{{ .steps.third.x }}"}}
      - id: third
        uses: tako/checkout@v1
        with: {ref: "{{ .inputs.ref", fetch: true}
)"),
            (V{"8:14: " + W + "invalid step 0: template references undeclared input 'nope'",
               "8:14: " + W + "invalid step 0: template references unknown step 'second'",
               "9:28: " + W + "invalid step 0: secret 'TOKEN' must not be used in a template",
               "11:14: " + W + "invalid step 1: template references undeclared input 'gone'",
               "12:33: " + W + "invalid step 1: template references unknown step 'third'",
               "15:21: " + W + "invalid step 2: template parse error: template: w.third.with.ref:1: unclosed action"}));
}

TEST(Step, OnFailureStepsSeeTheirParent) {
  EXPECT_EQ(errors_of(with_steps(R"(      - id: a
        run: x
        on_failure:
          - id: f1
            run: "{{ .steps.a.x }}"
          - run: "{{ .steps.f1.x }} {{ .steps.f3.x }}"
          - id: f3
            run: y
)")),
            V{"10:18: " + W + "invalid step 0: invalid failure step 1: template references unknown step 'f3'"});
}

TEST(Step, IfIsKept) {
  auto r = validate_text("version: 1\nworkflows:\n  w:\n    inputs: {go: {type: boolean}}\n    steps:\n"
                         "      - {run: x, if: \"inputs.go == true\"}\n      - {run: x, if: ''}\n");
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(*r.config.workflows[0].steps[0].if_expr, "inputs.go == true");
  EXPECT_FALSE(r.config.workflows[0].steps[1].if_expr);
}

TEST(Step, IfIsCompiledAndChecked) {
  const std::string head = "version: 1\nworkflows:\n  w:\n    inputs: {go: {type: boolean}}\n    steps:\n";
  EXPECT_EQ(errors_of(head + R"(      - id: a
        run: x
        if: inputs.go && steps.b.outputs.ok == 'y'
      - id: b
        run: x
        if: "inputs.nope ||"
      - id: c
        run: x
        if: payload.x
      - id: d
        run: x
        if: >-
          steps.a.outputs.ok == 'y' &&
          inputs.stop && .steps.c.outputs.x != '' && env.HOME != '' && run.depth == 0 && event == {}
        on_failure:
          - {run: x, if: "steps.d.outputs.x == '' && steps.e.outputs.y == ''"}
)"),
            (V{"8:13: " + W + "invalid step 0: if: template references unknown step 'b'",
               "11:13: " + W + "invalid step 1: if: CEL compilation error: syntax error at line 1, column 15: "
                               "unexpected end of expression",
               "14:13: " + W + "invalid step 2: if: CEL compilation error: undeclared reference to 'payload'",
               "17:13: " + W + "invalid step 3: if: template references undeclared input 'stop'",
               "21:26: " + W + "invalid step 3: invalid failure step 0: if: template references unknown step 'e'"}));
}

TEST(Step, UnknownKeys) {
  EXPECT_EQ(warnings_of(with_steps("      - {run: x, retries: 3, produces: {outputs: {}, files: []}}\n")),
            (V{"5:18: unknown key 'retries'", "5:54: unknown key 'files'"}));
}

TEST(Step, BooleansFollowTheCoreSchema) {
  EXPECT_EQ(errors_of(with_steps("      - {run: x, long_running: True}\n      - {run: x, long_running: \"true\"}\n")),
            V{"6:32: " + W + "invalid step 1: long_running: expected a boolean, got 'true'"});
}

}  // namespace
}  // namespace tako::config
