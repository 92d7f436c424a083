// Lexing and parsing: syntax accepted by Go 1.19 and Go's parse errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace {

using namespace tmpl_test;

TEST(Parse, TextAndActions) {
  EXPECT_EQ(run("plain text"), "plain text");
  EXPECT_EQ(run(""), "");
  EXPECT_EQ(run("{{.a}}", {{"a", 1}}), "1");
  EXPECT_EQ(run("a{{/* comment */}}b"), "ab");
  EXPECT_EQ(run("a {{- /* c */ -}} b"), "ab");
  EXPECT_EQ(run("{{/* multi\nline */}}x"), "x");
  EXPECT_EQ(run("{ } }} {"), "{ } }} {");
}

TEST(Parse, TrimMarkers) {
  EXPECT_EQ(run("a  {{- 1 }}  b"), "a1  b");
  EXPECT_EQ(run("a  {{ 1 -}}  b"), "a  1b");
  EXPECT_EQ(run("a \n\t {{- 1 -}} \n\t b"), "a1b");
  EXPECT_EQ(run("{{- 1 -}}"), "1");
  EXPECT_EQ(run("{{-3}}"), "-3");          // no space: a negative number
  EXPECT_EQ(run("{{3 -}} x"), "3x");
  EXPECT_EQ(run("x {{- -}} y"), "ERR: template: template:1: illegal number syntax: \"-\"");
  EXPECT_EQ(run("{{3-}}"), "ERR: template: template:1: bad number syntax: \"3-\"");
}

TEST(Parse, NumberLiterals) {
  EXPECT_EQ(run("{{ 0x1F }} {{ 0X1f }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000_000 }} {{ 0x_1 }}"),
            "31 31 15 15 5 1000000 1");
  EXPECT_EQ(run("{{ 1.5e3 }} {{ .5 }} {{ 1. }} {{ 0x1p4 }} {{ 0x1.8p1 }} {{ 1e-7 }} {{ 1E3 }} {{ -0.0 }}"),
            "1500 0.5 1 16 3 1e-07 1000 -0");
  EXPECT_EQ(run("{{ -1 }} {{ +1 }} {{ 9223372036854775807 }} {{ -9223372036854775808 }}"),
            "-1 1 9223372036854775807 -9223372036854775808");
  EXPECT_EQ(run("{{ 'a' }} {{ '\\n' }} {{ '\\x41' }} {{ '\\u00e9' }} {{ '\xc3\xa9' }} {{ '\\'' }}"),
            "97 10 65 233 233 39");
  EXPECT_EQ(run("{{ 99999999999999999999 }}"),
            "ERR: template: template:1: integer overflow: \"99999999999999999999\"");
  EXPECT_EQ(run("{{ 18446744073709551615 }}"),
            "ERR: template: template:1:3: executing \"template\" at <18446744073709551615>: "
            "18446744073709551615 overflows int");
  EXPECT_EQ(run("{{ 08 }}"), "ERR: template: template:1: integer overflow: \"08\"");
  EXPECT_EQ(run("{{ 1__0 }}"), "ERR: template: template:1: illegal number syntax: \"1__0\"");
  EXPECT_EQ(run("{{ 1e }}"), "ERR: template: template:1: illegal number syntax: \"1e\"");
  EXPECT_EQ(run("{{ 1x }}"), "ERR: template: template:1: bad number syntax: \"1x\"");
  EXPECT_EQ(run("{{ 0x1.8 }}"), "ERR: template: template:1: illegal number syntax: \"0x1.8\"");
  EXPECT_EQ(run("{{ 1.2.3 }}"), "ERR: template: template:1: unexpected \".3\" in operand");
}

TEST(Parse, StringLiterals) {
  EXPECT_EQ(run("{{ \"a\\tb\" }}|{{ `raw\\n` }}|{{ \"\\u00e9\\x41\\101\" }}"), "a\tb|raw\\n|\xc3\xa9" "AA");
  EXPECT_EQ(run("{{ `a\r\nb` }}"), "a\nb");  // raw strings drop carriage returns
  EXPECT_EQ(run("{{ \"\\q\" }}"), "ERR: template: template:1: invalid syntax");
  EXPECT_EQ(run("{{ \"\\400\" }}"), "ERR: template: template:1: invalid syntax");
  EXPECT_EQ(run("{{ \"\\uD800\" }}"), "ERR: template: template:1: invalid syntax");
  EXPECT_EQ(run("{{ \"abc\n\" }}"), "ERR: template: template:1: unterminated quoted string");
  EXPECT_EQ(run("{{ `abc }}"), "ERR: template: template:1: unterminated raw quoted string");
  EXPECT_EQ(run("{{ 'ab' }}"), "ERR: template: template:1: malformed character constant: 'ab'");
  EXPECT_EQ(run("{{ '' }}"), "ERR: template: template:1: invalid syntax");
  EXPECT_EQ(run("{{ 'x }}"), "ERR: template: template:1: unterminated character constant");
}

TEST(Parse, Errors) {
  EXPECT_EQ(run("{{"), "ERR: template: template:1: unclosed action");
  EXPECT_EQ(run("{{ .a"), "ERR: template: template:1: unclosed action");
  EXPECT_EQ(run("{{ ( }}"), "ERR: template: template:1: unclosed left paren");
  EXPECT_EQ(run("{{ ) }}"), "ERR: template: template:1: unexpected \")\" in command");
  EXPECT_EQ(run("{{/* x"), "ERR: template: template:1: unclosed comment");
  EXPECT_EQ(run("{{/* x */ 1}}"), "ERR: template: template:1: comment ends before closing delimiter");
  EXPECT_EQ(run("{{}}"), "ERR: template: template:1: missing value for command");
  EXPECT_EQ(run("{{ undefinedfn 1 }}"), "ERR: template: template:1: function \"undefinedfn\" not defined");
  EXPECT_EQ(run("{{ $x }}"), "ERR: template: template:1: undefined variable \"$x\"");
  EXPECT_EQ(run("{{ if 1 }}x"), "ERR: template: template:1: unexpected EOF");
  EXPECT_EQ(run("{{ end }}"), "ERR: template: template:1: unexpected {{end}}");
  EXPECT_EQ(run("{{ else }}"), "ERR: template: template:1: unexpected {{else}}");
  EXPECT_EQ(run("{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}"),
            "ERR: template: template:1: expected end; found {{else}}");
  EXPECT_EQ(run("{{ with 1 }}{{ else if 2 }}x{{ end }}"), "ERR: template: template:1: unexpected <if> in input");
  EXPECT_EQ(run("{{ break }}"), "ERR: template: template:1: {{break}} outside {{range}}");
  EXPECT_EQ(run("{{ continue }}"), "ERR: template: template:1: {{continue}} outside {{range}}");
  EXPECT_EQ(run("{{ range .l }}{{ break 1 }}{{ end }}"), "ERR: template: template:1: unexpected \"1\" in {{break}}");
  EXPECT_EQ(run("{{ 3 | 4 }}"), "ERR: template: template:1: non executable command in pipeline stage 2");
  EXPECT_EQ(run("{{ \"a\".x }}"), "ERR: template: template:1: unexpected . after term \"\\\"a\\\"\"");
  EXPECT_EQ(run("{{ range $a, $b, $c := .l }}{{ end }}"),
            "ERR: template: template:1: too many declarations in range");
  EXPECT_EQ(run("{{ range $x, 1 }}{{ end }}"), "ERR: template: template:1: range can only initialize variables");
  EXPECT_EQ(run("{{ $a, $b := 1 }}"), "ERR: template: template:1: too many declarations in command");
  EXPECT_EQ(run("{{ @ }}"), "ERR: template: template:1: unexpected \"@\" in command");
  EXPECT_EQ(run("{{ .a! }}"), "ERR: template: template:1: bad character U+0021 '!'");
  EXPECT_EQ(run("{{ \x01 }}"), "ERR: template: template:1: unrecognized character in action: U+0001");
  EXPECT_EQ(run("{{ template x }}"), "ERR: template: template:1: unexpected \"x\" in template clause");
  EXPECT_EQ(run("{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}"),
            "ERR: template: template:1: template: multiple definition of template \"x\"");
  EXPECT_EQ(run("{{ nil }}"), "ERR: template: template:1:3: executing \"template\" at <nil>: nil is not a command");
}

TEST(Parse, ErrorLines) {
  EXPECT_EQ(run("line1\nline2 {{ .a.b }}", {{"a", 1}}),
            "ERR: template: template:2:11: executing \"template\" at <.a.b>: can't evaluate field b in type interface {}");
  EXPECT_EQ(run("a\n{{ if\n .a }}{{ end"), "ERR: template: template:3: unclosed action");
  EXPECT_EQ(run("{{ ( \n .a"), "ERR: template: template:2: unclosed action started at template:1");
  EXPECT_EQ(run("{{ 1 2 \n"), "ERR: template: template:2: unclosed action started at template:1");
  EXPECT_EQ(run("{{ .a\n | bad }}"), "ERR: template: template:2: function \"bad\" not defined");
}

TEST(Parse, DefineBlockTemplate) {
  EXPECT_EQ(run("{{define \"T\"}}[{{.}}]{{end}}{{template \"T\" 5}}{{template \"T\"}}"), "[5][<no value>]");
  EXPECT_EQ(run("{{block \"B\" .}}b:{{.}}{{end}}", 7), "b:7");
  EXPECT_EQ(run("{{template \"a\"}}{{define \"a\"}}late{{end}}"), "late");
  EXPECT_EQ(run("{{define \"template\"}}inner{{end}}"), "inner");
  EXPECT_EQ(run("{{define \"template\"}}inner{{end}}outer"),
            "ERR: template: template:1: template: multiple definition of template \"template\"");
  EXPECT_EQ(run("{{ template \"nope\" }}"),
            "ERR: template: template:1:12: executing \"template\" at <{{template \"nope\"}}>: template \"nope\" not "
            "defined");
  EXPECT_EQ(run("{{ define \"x\" }}\n\n{{ .a.b }}{{ end }}{{ template \"x\" . }}", {{"a", 1}}),
            "ERR: template: template:3:5: executing \"x\" at <.a.b>: can't evaluate field b in type interface {}");
}

TEST(Parse, UnicodeIdentifiers) {
  EXPECT_EQ(run("{{ .h\xc3\xa9llo }}", {{"h\xc3\xa9llo", "w"}}), "w");
  EXPECT_EQ(run("{{ $\xc3\xa9 := 1 }}{{ $\xc3\xa9 }}"), "1");
}

TEST(Parse, ParseOnlyOnceReusable) {
  auto t = tako::tmpl::parse("{{.x}}-{{.y}}", "n");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->name(), "n");
  EXPECT_EQ(*tako::tmpl::execute(**t, json{{"x", 1}, {"y", 2}}), "1-2");
  EXPECT_EQ(*tako::tmpl::execute(**t, json{{"x", "a"}}), "a-");
}

}  // namespace
