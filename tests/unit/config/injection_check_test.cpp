// The taint analysis behind `tako validate`'s template-injection warning (injection_check.h).
#include <gtest/gtest.h>

#include "tako/config/injection_check.h"
#include "test_support.h"

namespace tako::config {
namespace {

using V = std::vector<std::string>;

// A file whose workflow `w` is filled from an event by a subscription (input `v`, a string,
// and `n`, a number), with the given steps (indented by 6 spaces, from line 14 on).
std::string subscribed(const std::string& steps, const std::string& wf_extra = "") {
  return "version: \"1\"\n"
         "subscriptions:\n"
         "  - artifact: o/lib:*\n"
         "    events: [built]\n"
         "    workflow: w\n"
         "    inputs: {v: \"{{ .payload.v }}\", n: \"{{ .payload.n }}\", c: constant}\n"
         "workflows:\n"
         "  w:\n"
         "    inputs:\n"
         "      v: {type: string}\n"
         "      n: {type: number}\n"
         "      c: {type: string}\n" +
         wf_extra + "    steps:\n" + steps;
}

// "<line>:<col>: <the tainted reference>" per warning; the reference is what follows "interpolates ".
V found(const std::string& text) {
  auto r = testing::validate_text(text);
  EXPECT_FALSE(r.load_error) << *r.load_error;
  EXPECT_TRUE(r.errors.empty()) << r.errors.front().message;
  V out;
  for (const auto& w : check_injection(r.config)) {
    auto b = w.message.find("{{ ");
    auto e = w.message.find(" }}", b);
    out.push_back(std::to_string(w.pos.line) + ":" + std::to_string(w.pos.column) + ": " +
                  w.message.substr(b + 3, e - b - 3));
  }
  return out;
}

TEST(InjectionCheck, InputFilledFromAnEventInRunIsReported) {
  auto r = testing::validate_text(subscribed("      - id: s\n        run: echo \"{{ .inputs.v }}\"\n"));
  auto ws = check_injection(r.config);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].pos.line, 15);
  EXPECT_EQ(ws[0].pos.column, 14);
  EXPECT_EQ(ws[0].message,
            "run of step 's' interpolates {{ .inputs.v }} (filled from an event by subscription 0) without "
            "shell_quote, so that data can run as shell code; pass it in an env var (env: {V: \"{{ .inputs.v }}\"}, "
            "then \"$V\") or write {{ .inputs.v | shell_quote }}");
}

TEST(InjectionCheck, QuotedEnvVarTypedAndConstantInputsAreSafe) {
  EXPECT_EQ(found(subscribed("      - run: echo {{ .inputs.v | shell_quote }}\n")), V{});
  EXPECT_EQ(found(subscribed("      - env: {V: \"{{ .inputs.v }}\"}\n        run: echo \"$V\"\n")), V{});
  EXPECT_EQ(found(subscribed("      - run: echo {{ .inputs.n }} {{ .inputs.c }}\n")), V{});
  EXPECT_EQ(found(subscribed("      - if: inputs.v == 'x'\n        run: echo hi\n")), V{});
  EXPECT_EQ(found(subscribed("      - run: '{{ if eq .inputs.v \"x\" }}echo yes{{ end }}'\n")), V{});
}

TEST(InjectionCheck, WorkflowWithoutSubscriptionHasNoTaintedInputs) {
  EXPECT_EQ(found("version: \"1\"\n"
                  "workflows:\n"
                  "  w:\n"
                  "    inputs: {v: {type: string}}\n"
                  "    steps:\n"
                  "      - run: echo {{ .inputs.v }}\n"),
            V{});
}

TEST(InjectionCheck, EventDataIsTaintedEverywhere) {
  EXPECT_EQ(found(testing::with_steps("      - run: echo {{ .event.payload.v }} {{ .Event.Source }}\n")),
            (V{"5:14: .event.payload.v", "5:14: .Event.Source"}));
  EXPECT_EQ(found(testing::with_steps("      - run: echo {{ .event.payload.v | shell_quote }}\n")), V{});
}

TEST(InjectionCheck, OutputsAndEnvDerivedFromTaintedDataAreTainted) {
  std::string steps =
      "      - id: a\n"
      "        env: {X: \"{{ .inputs.v }}\"}\n"
      "        run: echo \"$X\"\n"
      "        produces: {outputs: {o: from_stdout}}\n"
      "      - id: clean\n"
      "        run: echo fixed\n"
      "        produces: {outputs: {o: from_stdout}}\n"
      "      - id: b\n"
      "        run: echo {{ .steps.a.outputs.o }} {{ .steps.clean.outputs.o }} {{ .env.W }} {{ .env.HOME }}\n"
      "        produces: {outputs: {o: from_stdout}}\n"
      "      - id: c\n"
      "        run: echo {{ .steps.b.o }}\n";
  EXPECT_EQ(found(subscribed(steps, "    env: {W: \"v={{ .inputs.v }}\"}\n")),
            (V{"23:14: .steps.a.outputs.o", "23:14: .env.W", "26:14: .steps.b.o"}));
}

TEST(InjectionCheck, ContainerCommandsAndOnFailureStepsAreChecked) {
  auto r = testing::validate_text(subscribed(
      "      - id: s\n"
      "        image: alpine:3\n"
      "        run: echo ok\n"
      "        on_failure:\n"
      "          - id: h\n"
      "            image: alpine:3\n"
      "            run: echo {{ .inputs.v }}\n"));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().message;
  auto ws = check_injection(r.config);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].pos.line, 20);
  EXPECT_EQ(ws[0].message.rfind("container command of step 'h' interpolates {{ .inputs.v }}", 0), 0u)
      << ws[0].message;
}

TEST(InjectionCheck, PollCommandIsAShellCommandToo) {
  auto r = testing::validate_text(subscribed(
      "      - id: wait\n"
      "        uses: tako/poll@v1\n"
      "        with: {target: command, command: \"test -f {{ .inputs.v }}\", interval: 1s}\n"
      "      - id: ok\n"
      "        uses: tako/poll@v1\n"
      "        with: {target: command, command: \"test -f {{ .inputs.v | shell_quote }}\"}\n"));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().message;
  auto ws = check_injection(r.config);
  ASSERT_EQ(ws.size(), 1u);
  EXPECT_EQ(ws[0].pos.line, 16);
  EXPECT_EQ(ws[0].message.rfind("poll command of step 'wait' interpolates {{ .inputs.v }} (", 0), 0u) << ws[0].message;
}

}  // namespace
}  // namespace tako::config
