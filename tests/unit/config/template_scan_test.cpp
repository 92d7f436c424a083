// The stand-in structural template check (SPEC §4.7).
#include <gtest/gtest.h>

#include "tako/config/expr_check.h"
#include "tako/config/template_scan.h"

namespace tako::config {
namespace {

std::vector<std::string> refs(const char* text) {
  std::vector<std::string> out;
  auto s = scan_template(text, "t");
  EXPECT_FALSE(s.parse_error) << *s.parse_error;
  for (const auto& r : s.refs) out.push_back(r.root + ":" + r.name);
  return out;
}

std::string error(const char* text) { return scan_template(text, "w.s.run").parse_error.value_or(""); }

TEST(TemplateScan, ParseErrors) {
  EXPECT_EQ(error("plain text }} {"), "");
  EXPECT_EQ(error("{{ .a }} {{- .b -}} {{/* c */}} {{- /* d */ -}}"), "");
  EXPECT_EQ(error("{{ \"}}\" }}"), "");
  EXPECT_EQ(error("a\nb {{ .x"), "template: w.s.run:2: unclosed action");
  EXPECT_EQ(error("{{ }}"), "template: w.s.run:1: missing value for command");
  EXPECT_EQ(error("{{/* open"), "template: w.s.run:1: unclosed comment");
  EXPECT_EQ(error("{{ \"abc }}"), "template: w.s.run:1: unterminated quoted string");
  EXPECT_EQ(error("{{ `abc }}"), "template: w.s.run:1: unterminated raw quoted string");
  EXPECT_EQ(error("\n\n{{ 'a }}"), "template: w.s.run:3: unterminated character constant");
}

TEST(TemplateScan, FieldReferences) {
  using V = std::vector<std::string>;
  EXPECT_EQ(refs("{{ .inputs.a }} {{ .Inputs.b | upper }} {{ .steps.s1.outputs.x }} {{ .Steps.s2 }} {{ .env.HOME }}"),
            (V{"inputs:a", "inputs:b", "steps:s1", "steps:s2", "env:HOME"}));
  EXPECT_EQ(refs("{{ .inputs.a }}{{ .inputs.a }}"), V{"inputs:a"});
  EXPECT_EQ(refs("{{ index .inputs \"my-input\" }} {{ index $.steps \"s-1\" }}"), (V{"inputs:my-input", "steps:s-1"}));
  EXPECT_EQ(refs("{{ \".inputs.x\" }} {{ $x.inputs.y }} {{ .event.inputs.z }} {{ (.x).inputs.y }}"), V{});
  EXPECT_EQ(refs("{{ range .inputs.list }}{{ .inputs.inner }}{{ $.inputs.outer }}{{ end }}{{ .inputs.after }}"),
            (V{"inputs:list", "inputs:outer", "inputs:after"}));
  EXPECT_EQ(refs("{{ if .inputs.c }}{{ .inputs.d }}{{ end }}"), (V{"inputs:c", "inputs:d"}));
  EXPECT_EQ(refs("{{- .inputs.t -}}"), V{"inputs:t"});
}

TEST(CheckTemplate, MessagesUseTheScope) {
  std::vector<std::string> inputs{"a"}, steps{"s1"}, secrets{"TOKEN"};
  TemplateSite site;
  site.text = "{{ .inputs.a }}{{ .inputs.b }}{{ .steps.s1.x }}{{ .steps.s2.x }}{{ .env.TOKEN }}{{ .env.PATH }}";
  site.label = "w.s.run";
  site.scope = ExprScope{"w", inputs, steps, secrets};
  EXPECT_EQ(check_template(site), (std::vector<std::string>{"template references undeclared input 'b'",
                                                            "template references unknown step 's2'",
                                                            "secret 'TOKEN' must not be used in a template"}));
  site.kind = TemplateSite::Kind::SubscriptionInput;
  site.scope = {};
  EXPECT_TRUE(check_template(site).empty());
  site.text = "{{ .x";
  EXPECT_EQ(check_template(site),
            std::vector<std::string>{"template parse error: template: w.s.run:1: unclosed action"});
}

}  // namespace
}  // namespace tako::config
