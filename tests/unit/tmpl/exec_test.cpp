// Execution: actions, variables, printing rules (§8.2), missing values (§8.3),
// Go built-ins and their errors.
#include <gtest/gtest.h>

#include "helpers.h"

namespace {

using namespace tmpl_test;

TEST(Exec, PrintingRules) {
  json d = sample();
  EXPECT_EQ(run("{{.a}} {{.b}} {{.f}} {{.t}} {{.l}} {{.m}} {{.el}} {{.em}}", d),
            "1 x 1.5 true [1 2.5 s <nil> true] map[i:7 k:v n:<nil> sub:map[x:1]] [] map[]");
  // doubles as strconv.FormatFloat(x, 'g', -1, 64)
  EXPECT_EQ(run("{{100.0}} {{0.5}} {{3.0}} {{123456.0}} {{999999.5}} {{1e6}} {{1234567.0}} {{12345678.9}} "
                "{{0.00001}} {{0.0001234}} {{1e21}} {{1e-320}}"),
            "100 0.5 3 123456 999999.5 1e+06 1.234567e+06 1.23456789e+07 1e-05 0.0001234 1e+21 1e-320");
  json big = json::parse(R"({"x":1e100,"y":-2.5e-7,"z":9007199254740993})");
  EXPECT_EQ(run("{{.x}} {{.y}} {{.z}}", big), "1e+100 -2.5e-07 9007199254740993");
}

TEST(Exec, MissingKeyModes) {
  json d = sample();
  EXPECT_EQ(run("[{{.missing}}][{{.n}}][{{.missing.x}}][{{.m.n}}]", d, MissingKey::Default),
            "[<no value>][<no value>][<no value>][<no value>]");
  EXPECT_EQ(run_empty("[{{.missing}}][{{.n}}][{{.missing.x}}][{{.m.n}}]", d), "[][][][]");
  EXPECT_EQ(run("[{{.missing}}]", d, MissingKey::Zero), "[<no value>]");
  EXPECT_EQ(run("{{.missing.x}}", d, MissingKey::Zero),
            "ERR: template: template:1:10: executing \"template\" at <.missing.x>: nil pointer evaluating "
            "interface {}.x");
  EXPECT_EQ(run("{{.missing}}", d, MissingKey::Error),
            "ERR: template: template:1:2: executing \"template\" at <.missing>: map has no entry for key "
            "\"missing\"");
  EXPECT_EQ(run("{{.n}}", d, MissingKey::Error), "<no value>");
  // a null in a chain is an error in every mode; a non-map too
  EXPECT_EQ(run_empty("{{.n.x}}", d),
            "ERR: template: template:1:4: executing \"template\" at <.n.x>: nil pointer evaluating interface {}.x");
  EXPECT_EQ(run_empty("{{.a.x}}", d),
            "ERR: template: template:1:4: executing \"template\" at <.a.x>: can't evaluate field x in type "
            "interface {}");
  // passed to functions, missing values are nil
  EXPECT_EQ(run_empty("{{printf \"%v\" .missing}} {{print .missing}} {{index .m \"zz\"}}|{{html .missing}}", d),
            "<nil> <nil> |&lt;no value&gt;");
  EXPECT_EQ(run_empty("{{.missing | default \"d\"}}", d), "d");
}

TEST(Exec, IfElseWith) {
  json d = sample();
  EXPECT_EQ(run("{{if .a}}a{{else if .b}}b{{else}}c{{end}}", d), "a");
  EXPECT_EQ(run("{{if .z}}a{{else if .e}}b{{else}}c{{end}}", d), "c");
  EXPECT_EQ(run("{{if .el}}x{{else}}empty-list{{end}} {{if .em}}x{{else}}empty-map{{end}}", d),
            "empty-list empty-map");
  EXPECT_EQ(run("{{if 0.0}}x{{else}}zero{{end}}{{if .n}}x{{else}}null{{end}}{{if .missing}}x{{else}}missing{{end}}", d),
            "zeronullmissing");
  EXPECT_EQ(run("{{with .m}}{{.k}}{{$.a}}{{end}}{{with .missing}}x{{else}}no{{end}}", d), "v1no");
  EXPECT_EQ(run("{{if $x := .a}}{{$x}}{{end}}", d), "1");
  EXPECT_EQ(run("{{if $x := .a}}{{end}}{{$x}}", d), "ERR: template: template:1: undefined variable \"$x\"");
}

TEST(Exec, Range) {
  json d = sample();
  EXPECT_EQ(run("{{range .l}}[{{.}}]{{end}}", d), "[1][2.5][s][<no value>][true]");
  EXPECT_EQ(run("{{range $i, $e := .ls}}{{$i}}:{{$e}} {{end}}", d), "0:b 1:a 2:c ");
  EXPECT_EQ(run("{{range $k, $v := .m}}{{$k}}={{$v}};{{end}}", d), "i=7;k=v;n=<no value>;sub=map[x:1];");
  EXPECT_EQ(run("{{range $e := .li}}{{$e}}{{end}}", d), "312");
  EXPECT_EQ(run("{{range .el}}x{{else}}empty{{end}}{{range .missing}}x{{else}}none{{end}}", d), "emptynone");
  EXPECT_EQ(run("{{range .li}}{{if eq . 1}}{{break}}{{end}}{{.}}{{end}}", d), "3");
  EXPECT_EQ(run("{{range .li}}{{if eq . 1}}{{continue}}{{end}}{{.}}{{end}}", d), "32");
  EXPECT_EQ(run("{{$x := 0}}{{range .li}}{{$x = .}}{{end}}{{$x}}", d), "2");
  EXPECT_EQ(run("{{range 5}}{{end}}", d),
            "ERR: template: template:1:8: executing \"template\" at <5>: range can't iterate over 5");
  EXPECT_EQ(run("{{range .s}}{{end}}", d),
            "ERR: template: template:1:8: executing \"template\" at <.s>: range can't iterate over hello");
  EXPECT_EQ(run("{{range .l}}{{.x}}{{end}}", d),
            "ERR: template: template:1:14: executing \"template\" at <.x>: can't evaluate field x in type "
            "interface {}");
}

TEST(Exec, Variables) {
  json d = sample();
  EXPECT_EQ(run("{{$x := 1}}{{$x}}{{$x = 2}}{{$x}}", d), "12");
  EXPECT_EQ(run("{{$}}", json{{"k", 1}}), "map[k:1]");
  EXPECT_EQ(run("{{$.a}} {{$x := .m}}{{$x.k}}", d), "1 v");
  EXPECT_EQ(run("{{$x := .a}}{{$x.y}}", d),
            "ERR: template: template:1:16: executing \"template\" at <$x.y>: can't evaluate field y in type int64");
  EXPECT_EQ(run("{{$x := 1 | printf \"%d\"}}{{$x}}"), "1");
  EXPECT_EQ(run("{{ $x := 1 }}{{ $x 2 }}"),
            "ERR: template: template:1:16: executing \"template\" at <$x>: can't give argument to non-function $x");
}

TEST(Exec, Pipelines) {
  json d = sample();
  EXPECT_EQ(run("{{.a | printf \"%d\" | printf \"%q\" | len}}", d), "3");
  EXPECT_EQ(run("{{(.m).k}} {{(index .m \"sub\").x}} {{(.missing).x}}", d), "v 1 <no value>");
  EXPECT_EQ(run("{{ (nil).x }}", d),
            "ERR: template: template:1:4: executing \"template\" at <nil>: nil is not a command");
  EXPECT_EQ(run("{{ .a 1 }}", d),
            "ERR: template: template:1:3: executing \"template\" at <.a>: a is not a method but has arguments");
  EXPECT_EQ(run("{{ (1) 2 }}", d),
            "ERR: template: template:1:3: executing \"template\" at <(1) 2>: can't give argument to non-function "
            "1");
}

TEST(Exec, BuiltinsLenIndexSlice) {
  json d = sample();
  EXPECT_EQ(run("{{len .s}} {{len .l}} {{len .m}} {{len .u}}", d), "5 5 4 6");
  EXPECT_EQ(run("{{len .a}}", d),
            "ERR: template: template:1:2: executing \"template\" at <len .a>: error calling len: len of type int64");
  EXPECT_EQ(run("{{len .n}}", d),
            "ERR: template: template:1:2: executing \"template\" at <len .n>: error calling len: len of nil pointer");
  EXPECT_EQ(run("{{len 1 2}}", d),
            "ERR: template: template:1:2: executing \"template\" at <len>: wrong number of args for len: want 1 got 2");
  EXPECT_EQ(run("{{index .l 0}} {{index .l 2}} {{index .m \"k\"}} {{index .m \"zz\"}} {{index .s 1}}", d),
            "1 s v <no value> 101");
  EXPECT_EQ(run("{{index .l 5}}", d),
            "ERR: template: template:1:2: executing \"template\" at <index .l 5>: error calling index: reflect: slice "
            "index out of range");
  EXPECT_EQ(run("{{index .l 6}}", d),
            "ERR: template: template:1:2: executing \"template\" at <index .l 6>: error calling index: index out of "
            "range: 6");
  EXPECT_EQ(run("{{index .m 1}}", d),
            "ERR: template: template:1:2: executing \"template\" at <index .m 1>: error calling index: value has type "
            "int; should be string");
  EXPECT_EQ(run("{{index .missing 1}}", d),
            "ERR: template: template:1:2: executing \"template\" at <index .missing 1>: error calling index: index of "
            "untyped nil");
  EXPECT_EQ(run("{{slice .s 1 3}} {{slice .l 1}} {{slice .l 1 2}} {{slice .s}} {{slice .l 0 2 3}}", d),
            "el [2.5 s <nil> true] [2.5] hello [1 2.5]");
  EXPECT_EQ(run("{{slice .s 3 1}}", d),
            "ERR: template: template:1:2: executing \"template\" at <slice .s 3 1>: error calling slice: invalid slice "
            "index: 3 > 1");
  EXPECT_EQ(run("{{slice .s 1 2 3}}", d),
            "ERR: template: template:1:2: executing \"template\" at <slice .s 1 2 3>: error calling slice: cannot "
            "3-index slice a string");
}

TEST(Exec, Comparisons) {
  json d = sample();
  EXPECT_EQ(run("{{eq 1 1}} {{eq 1 2}} {{eq \"a\" \"a\"}} {{eq .a 1}} {{eq 1 2 3 1}} {{eq .b \"y\" \"x\"}}", d),
            "true false true true true true");
  EXPECT_EQ(run("{{eq nil nil}} {{eq .missing nil}} {{eq .n nil}} {{eq 1 nil}} {{eq .l nil}}", d),
            "true true true false false");
  EXPECT_EQ(run("{{eq 1 1 \"a\"}}", d), "true");
  EXPECT_EQ(run("{{eq 1 1.0}}", d),
            "ERR: template: template:1:2: executing \"template\" at <eq 1 1.0>: error calling eq: incompatible types "
            "for comparison");
  EXPECT_EQ(run("{{eq 1 2 \"a\"}}", d),
            "ERR: template: template:1:2: executing \"template\" at <eq 1 2 \"a\">: error calling eq: incompatible "
            "types for comparison");
  EXPECT_EQ(run("{{eq 1}}", d),
            "ERR: template: template:1:2: executing \"template\" at <eq 1>: error calling eq: missing argument for "
            "comparison");
  EXPECT_EQ(run("{{ne 1 2}} {{lt 1 2}} {{lt 2.5 1.5}} {{lt \"a\" \"b\"}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}}", d),
            "true true false true true true false");
  EXPECT_EQ(run("{{lt true false}}", d),
            "ERR: template: template:1:2: executing \"template\" at <lt true false>: error calling lt: invalid type "
            "for comparison");
  EXPECT_EQ(run("{{lt .a 1.5}}", d),
            "ERR: template: template:1:2: executing \"template\" at <lt .a 1.5>: error calling lt: incompatible types "
            "for comparison");
  EXPECT_EQ(run("{{ne 1 2 3}}", d),
            "ERR: template: template:1:2: executing \"template\" at <ne>: wrong number of args for ne: want 2 got 3");
  EXPECT_EQ(run("{{lt (index .s 0) 200}} {{eq (index .s 0) 104}}", d), "true true");
}

TEST(Exec, LogicAndEscapers) {
  json d = sample();
  EXPECT_EQ(run("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{or 0 \"\"}} {{not 0}} {{not .l}}", d),
            "0 2 x  true false");
  EXPECT_EQ(run("{{and 0 (index .l 99)}} {{or 1 (index .l 99)}}", d), "0 1");  // short-circuit
  EXPECT_EQ(run("{{0 | and 1}} {{1 | or 0}}", d), "0 1");
  EXPECT_EQ(run("{{html \"<a href='x'>&\\\"\"}}", d), "&lt;a href=&#39;x&#39;&gt;&amp;&#34;");
  EXPECT_EQ(run("{{js \"a'b\\\"c<d>&=\\n\"}}", d), "a\\'b\\\"c\\u003Cd\\u003E\\u0026\\u003D\\u000A");
  EXPECT_EQ(run("{{urlquery \"a b&c=d/\xc3\xa9\"}}", d), "a+b%26c%3Dd%2F%C3%A9");
  EXPECT_EQ(run("{{print 1 2 \"a\" \"b\" 3 nil}}|{{println 1 \"a\"}}", d), "1 2ab3 <nil>|1 a\n");
  EXPECT_EQ(run("{{call .missing}}", d),
            "ERR: template: template:1:2: executing \"template\" at <call .missing>: error calling call: call of nil");
}

TEST(Exec, Limits) {
  // deep but finite template recursion works
  std::string rec = "{{define \"r\"}}{{if gt (len .) 0}}x{{template \"r\" (slice . 1)}}{{end}}{{end}}"
                    "{{template \"r\" .}}";
  json list = json::array();
  for (int i = 0; i < 1000; ++i) list.push_back(i);
  EXPECT_EQ(run(rec, list).size(), 1000u);
  // infinite recursion is an error, not a crash
  std::string inf = run("{{define \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}");
  EXPECT_EQ(inf.rfind("ERR: template: template:1:", 0), 0u) << inf;
  // output limit
  tako::tmpl::ExecOptions o;
  o.max_output = 100;
  auto t = tako::tmpl::parse("{{range .}}{{printf \"%50d\" 1}}{{end}}");
  ASSERT_TRUE(t.ok());
  auto r = tako::tmpl::execute(**t, json{1, 2, 3}, o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("output exceeds"), std::string::npos);
  // step limit bounds exponential templates
  o = tako::tmpl::ExecOptions{};
  o.max_steps = 1000;
  auto e = tako::tmpl::parse("{{define \"a\"}}{{template \"b\"}}{{template \"b\"}}{{end}}"
                             "{{define \"b\"}}{{template \"a\"}}{{template \"a\"}}{{end}}{{template \"a\"}}");
  ASSERT_TRUE(e.ok());
  r = tako::tmpl::execute(**e, json::object(), o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("step limit"), std::string::npos);
}

TEST(Exec, DeepNestingDoesNotCrash) {
  std::string parens(20000, '(');
  std::string t = "{{" + parens + "1" + std::string(20000, ')') + "}}";
  std::string r = run(t);
  EXPECT_EQ(r.rfind("ERR: template: template:1: nesting too deep", 0), 0u) << r.substr(0, 200);
  std::string ifs;
  for (int i = 0; i < 20000; ++i) ifs += "{{if 1}}";
  for (int i = 0; i < 20000; ++i) ifs += "{{end}}";
  r = run(ifs);
  EXPECT_EQ(r.rfind("ERR: template: template:1: nesting too deep", 0), 0u) << r.substr(0, 200);
  // moderately deep nesting still works
  std::string ok;
  for (int i = 0; i < 200; ++i) ok += "{{if 1}}";
  ok += "x";
  for (int i = 0; i < 200; ++i) ok += "{{end}}";
  EXPECT_EQ(run(ok), "x");
}

}  // namespace
