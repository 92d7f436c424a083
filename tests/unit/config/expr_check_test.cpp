// The load-time expression checks (REFERENCE.md §4.7) on tako's template parser and
// CEL compiler: the hook points check_template / check_cel directly.
#include <gtest/gtest.h>

#include "tako/config/expr_check.h"

namespace tako::config {
namespace {

using V = std::vector<std::string>;

const std::vector<std::string> kInputs{"a", "my-input"};
const std::vector<std::string> kSteps{"s1", "s-2"};
const std::vector<std::string> kSecrets{"TOKEN"};

V tmpl(const char* text, TemplateSite::Kind kind = TemplateSite::Kind::StepField) {
  TemplateSite site;
  site.kind = kind;
  site.text = text;
  site.label = "w.s.run";
  if (kind != TemplateSite::Kind::SubscriptionInput) site.scope = ExprScope{"w", kInputs, kSteps, kSecrets};
  return check_template(site);
}

V cel_if(const char* expr) {
  CelSite site;
  site.kind = CelSite::Kind::StepIf;
  site.expr = expr;
  site.scope = ExprScope{"w", kInputs, kSteps, kSecrets};
  return check_cel(site);
}

V cel_filter(const char* expr) {
  CelSite site;
  site.kind = CelSite::Kind::SubscriptionFilter;
  site.expr = expr;
  return check_cel(site);
}

TEST(CheckTemplate, ParseErrorsAreGoErrorsWithTheLabel) {
  EXPECT_EQ(tmpl("plain text }} {"), V{});
  EXPECT_EQ(tmpl("{{ .a }} {{- .b -}} {{/* c */}} {{- /* d */ -}} {{ \"}}\" }}"), V{});
  EXPECT_EQ(tmpl("a\nb {{ .x"), V{"template parse error: template: w.s.run:2: unclosed action"});
  EXPECT_EQ(tmpl("{{ }}"), V{"template parse error: template: w.s.run:1: missing value for command"});
  EXPECT_EQ(tmpl("{{/* open"), V{"template parse error: template: w.s.run:1: unclosed comment"});
  EXPECT_EQ(tmpl("{{ \"abc }}"), V{"template parse error: template: w.s.run:1: unterminated quoted string"});
  // Errors only the real parser finds (the stand-in scan did not).
  EXPECT_EQ(tmpl("{{ nofunc .a }}"), V{"template parse error: template: w.s.run:1: function \"nofunc\" not defined"});
  EXPECT_EQ(tmpl("{{ if .a }}x"), V{"template parse error: template: w.s.run:1: unexpected EOF"});
  EXPECT_EQ(tmpl("x\n\n{{ end }}"), V{"template parse error: template: w.s.run:3: unexpected {{end}}"});
  EXPECT_EQ(tmpl("{{ $x }}"), V{"template parse error: template: w.s.run:1: undefined variable \"$x\""});
  // tako functions exist at parse time.
  EXPECT_EQ(tmpl("{{ .a | shell_quote }}{{ json_escape .a }}{{ default \"x\" .a | upper }}"), V{});
  // Parse errors stop the check: no reference messages for broken templates.
  EXPECT_EQ(tmpl("{{ .inputs.nope }}{{ .x"), V{"template parse error: template: w.s.run:1: unclosed action"});
}

TEST(CheckTemplate, ReferenceRules) {
  EXPECT_EQ(tmpl("{{ .inputs.a }}{{ .Inputs.a }}{{ index .inputs \"my-input\" }}{{ .steps.s1.outputs.x }}"
                 "{{ index .Steps \"s-2\" }}{{ index .steps \"s-2\" \"outputs\" }}{{ .env.PATH }}{{ .event.inputs.zz }}"),
            V{});
  EXPECT_EQ(tmpl("{{ .inputs.b }}{{ .steps.s3.outputs.x }}{{ .env.TOKEN }}"),
            (V{"template references undeclared input 'b'", "template references unknown step 's3'",
               "secret 'TOKEN' must not be used in a template"}));
  // Capitalised roots (REFERENCE.md §7.9), $, index with literal strings, with-rebinding.
  EXPECT_EQ(tmpl("{{ .Inputs.b }}{{ $.Steps.s3 }}{{ .Env.TOKEN }}"),
            (V{"template references undeclared input 'b'", "template references unknown step 's3'",
               "secret 'TOKEN' must not be used in a template"}));
  EXPECT_EQ(tmpl("{{ index .inputs \"b-c\" }}{{ index $.steps \"x\" \"outputs\" }}"),
            (V{"template references undeclared input 'b-c'", "template references unknown step 'x'"}));
  EXPECT_EQ(tmpl("{{ with .inputs }}{{ .zz }}{{ end }}"), V{"template references undeclared input 'zz'"});
  EXPECT_EQ(tmpl("{{ range .inputs.a }}{{ .inputs.inner }}{{ $.inputs.outer }}{{ end }}"),
            V{"template references undeclared input 'outer'"});
  EXPECT_EQ(tmpl("{{ if .inputs.c }}{{ .inputs.d | upper }}{{ end }}"),
            (V{"template references undeclared input 'c'", "template references undeclared input 'd'"}));
  // One message per name and site.
  EXPECT_EQ(tmpl("{{ .inputs.b }}\n{{ .inputs.b }}{{ .Inputs.b }}"), V{"template references undeclared input 'b'"});
  // Not roots: other spellings, string literals, bare roots, other variables.
  EXPECT_EQ(tmpl("{{ .INPUTS.b }}{{ .inputS.b }}{{ \".inputs.b\" }}{{ .inputs }}{{ .steps }}{{ $v := 1 }}"), V{});
  // An env value that is not a declared secret is fine.
  EXPECT_EQ(tmpl("{{ .env.token }}{{ .env.TOKEN2 }}"), V{});
}

TEST(CheckTemplate, Kinds) {
  // Workflow env: no steps exist yet (earlier_steps is empty in the scope the loader builds).
  TemplateSite site;
  site.kind = TemplateSite::Kind::WorkflowEnv;
  site.text = "{{ .steps.s1.outputs.x }}{{ .inputs.a }}{{ .inputs.q }}";
  site.label = "w.env.X";
  site.scope = ExprScope{"w", kInputs, {}, kSecrets};
  EXPECT_EQ(check_template(site),
            (V{"template references unknown step 's1'", "template references undeclared input 'q'"}));
  // Subscription inputs: parsed only (their data is {event, payload}).
  EXPECT_EQ(tmpl("{{ .payload.version }}{{ .inputs.q }}{{ .steps.x }}", TemplateSite::Kind::SubscriptionInput), V{});
  EXPECT_EQ(tmpl("{{ .payload.version", TemplateSite::Kind::SubscriptionInput),
            V{"template parse error: template: w.s.run:1: unclosed action"});
}

TEST(CheckCel, StepIf) {
  EXPECT_EQ(cel_if("inputs.a == 'x' && steps.s1.outputs.ok == 'true' && env.HOME != '' && run.depth == 0 && "
                   "event.type == 'e'"),
            V{});
  EXPECT_EQ(cel_if(".inputs.a == 'x' && has(steps.s1.outputs) && inputs['my-input'] != ''"), V{});
  EXPECT_EQ(cel_if("inputs.b == 'x' || steps.s3.outputs.ok == 'y'"),
            (V{"template references undeclared input 'b'", "template references unknown step 's3'"}));
  EXPECT_EQ(cel_if(".inputs.zz && inputs['q'] && has(inputs.r) && steps['s-3'].outputs.x"),
            (V{"template references undeclared input 'zz'", "template references undeclared input 'q'",
               "template references undeclared input 'r'", "template references unknown step 's-3'"}));
  // Secrets are masked from `env` at run time; the template rule does not apply to CEL.
  EXPECT_EQ(cel_if("env.TOKEN == ''"), V{});
  EXPECT_EQ(cel_if("inputs.b == inputs.b"), V{"template references undeclared input 'b'"});
  // A dynamic key is not a selection chain.
  EXPECT_EQ(cel_if("inputs[env.X] == 'x'"), V{});
  EXPECT_EQ(cel_if("payload.x"), V{"CEL compilation error: undeclared reference to 'payload'"});
  EXPECT_EQ(cel_if("inputs.a +"),
            V{"CEL compilation error: syntax error at line 1, column 11: unexpected end of expression"});
  EXPECT_EQ(cel_if("size()"),
            V{"CEL compilation error: found no matching overload for 'size' applied to 0 argument(s)"});
  EXPECT_EQ(cel_if("nosuchfn(inputs.a)"), V{"CEL compilation error: undeclared reference to 'nosuchfn'"});
  // A compilation error stops the check.
  EXPECT_EQ(cel_if("inputs.b == x"), V{"CEL compilation error: undeclared reference to 'x'"});
}

TEST(CheckCel, SubscriptionFilter) {
  EXPECT_EQ(cel_filter("event.payload.v == payload.v && event_type == 'x' && source.startsWith('o/') && "
                       "semver.satisfies(schema_version, '^1.0.0') && artifact != '' && "
                       "event.timestamp > timestamp('2020-01-01T00:00:00Z')"),
            V{});
  EXPECT_EQ(cel_filter("payload.version.startsWith(\"2.\")"), V{});
  EXPECT_EQ(cel_filter("inputs.x"), V{"CEL compilation error: undeclared reference to 'inputs'"});
  EXPECT_EQ(cel_filter("steps.x == 1"), V{"CEL compilation error: undeclared reference to 'steps'"});
  EXPECT_EQ(cel_filter("payload.x ="),
            V{"CEL compilation error: syntax error at line 1, column 11: unexpected character '='"});
}

}  // namespace
}  // namespace tako::config
