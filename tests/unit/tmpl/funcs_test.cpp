// tako's functions (REFERENCE.md §8.4): the subject is always the last argument.
#include <gtest/gtest.h>

#include "helpers.h"

namespace {

using namespace tmpl_test;

json data() {
  return json::parse(R"({"s":"it's","n":null,"i":42,"f":2.5,"b":true,"e":"","l":["a","b","c"],"el":[],
    "m":{"b":2,"a":1},"em":{},"ws":" \t x y \n",
    "ev":{"type":"t","payload":{"version":"1.2","nested":{"deep":"d"},"pkg_name":"x","pkg_ver":"2","other":3}}})");
}

std::string r(const std::string& t) { return run_empty(t, data()); }

TEST(TakoFuncs, Escaping) {
  EXPECT_EQ(r("{{shell_quote .s}}|{{shell_quote .e}}|{{shell_quote .missing}}|{{.i | shell_quote}}"),
            "'it'\\''s'|''|''|'42'");
  EXPECT_EQ(r("{{json_escape \"a\\\"b\\\\c\\nd\\re\\tf\\x01<>&\"}}"), "a\\\"b\\\\c\\nd\\re\\tf\\u0001<>&");
  EXPECT_EQ(r("{{json_escape \"\\u2028\\u2029\\xff\"}}"), "\\u2028\\u2029\\ufffd");
  EXPECT_EQ(r("{{url_encode \"a b&c=d/~-_.\xc3\xa9\"}}"), "a+b%26c%3Dd%2F~-_.%C3%A9");
  EXPECT_EQ(r("{{html_escape \"<a href=\\\"x\\\">'&'</a>\"}}"), "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(TakoFuncs, DefaultAndEmpty) {
  EXPECT_EQ(r("{{default \"d\" .missing}}|{{default \"d\" .n}}|{{default \"d\" .e}}|{{default \"d\" .s}}|"
              "{{default \"d\" 0}}|{{.missing | default \"p\"}}"),
            "d|d|d|it's|0|p");
  EXPECT_EQ(r("{{empty .missing}} {{empty .n}} {{empty .e}} {{empty .el}} {{empty .em}} {{empty 0}} {{empty .l}} "
              "{{empty false}}"),
            "true true true true true false false false");
}

TEST(TakoFuncs, Strings) {
  EXPECT_EQ(r("[{{trim .ws}}][{{upper \"ab\xc3\xa9\"}}][{{lower \"AB\"}}][{{trim .missing}}][{{upper 1.5}}]"),
            "[x y][AB\xc3\xa9][ab][][1.5]");
  EXPECT_EQ(r("{{split \",\" \"a,b,,c\"}} {{split \"\" \"h\xc3\xa9\"}} {{split \",\" \"\"}} {{len (split \",\" \"\")}}"),
            "[a b  c] [h \xc3\xa9] [] 1");
  EXPECT_EQ(r("{{join \"-\" .l}}|{{.l | join \", \"}}|{{join \"-\" .el}}|{{join \"+\" (split \",\" \"1,2\")}}"),
            "a-b-c|a, b, c||1+2");
  EXPECT_EQ(r("{{join \"-\" .s}}"),
            "ERR: template: template:1:2: executing \"template\" at <join \"-\" .s>: error calling join: cannot join "
            "value of type string");
  EXPECT_EQ(r("{{replace \"a\" \"b\" \"banana\"}}|{{\"x.y.z\" | replace \".\" \"/\"}}"), "bbnbnb|x/y/z");
  EXPECT_EQ(r("{{contains \"an\" \"banana\"}} {{has_prefix \"ba\" \"banana\"}} {{has_suffix \"na\" \"banana\"}} "
              "{{has_prefix \"x\" \"banana\"}} {{\"banana\" | contains \"zz\"}}"),
            "true true true false false");
}

TEST(TakoFuncs, Conversions) {
  EXPECT_EQ(r("{{to_string .i}}|{{to_string .f}}|{{to_string .n}}|{{to_string .b}}|{{to_string .l}}"),
            "42|2.5||true|[a b c]");
  EXPECT_EQ(r("{{to_int \"42abc\"}} {{to_int \"  -7\"}} {{to_int \"x\"}} {{to_int 2.9}} {{to_int -2.9}} {{to_int true}} "
              "{{to_int .n}} {{to_int .i}}"),
            "42 -7 0 2 -2 1 0 42");
  EXPECT_EQ(r("{{to_float \"2.5x\"}} {{to_float \" -1e3\"}} {{to_float \"x\"}} {{to_float 3}} {{to_float false}}"),
            "2.5 -1000 0 3 0");
  EXPECT_EQ(r("{{to_bool \"TRUE\"}} {{to_bool \"1\"}} {{to_bool \"Yes\"}} {{to_bool \"no\"}} {{to_bool 0}} "
              "{{to_bool 2.5}} {{to_bool .n}} {{to_bool true}}"),
            "true true true false false true false true");
  EXPECT_EQ(r("{{add 1}}"), "ERR: template: template:1: function \"add\" not defined");
}

TEST(TakoFuncs, Collections) {
  EXPECT_EQ(r("{{keys .m}} {{values .m}} {{keys .l}} {{values .l}} {{keys .em}}"), "[a b] [1 2] [0 1 2] [a b c] []");
  EXPECT_EQ(r("{{range range_map .m}}{{.key}}={{.value}};{{end}}"), "a=1;b=2;");
  EXPECT_EQ(r("{{length \"h\xc3\xa9\"}} {{length .l}} {{length .m}} {{length 5}} {{length .n}}"), "2 3 2 0 0");
  EXPECT_EQ(r("{{first .l}} {{last .l}} [{{first .el}}] [{{last .s}}]"), "a c [] []");
  EXPECT_EQ(r("{{if_then_else .b \"y\" \"n\"}} {{if_then_else .e \"y\" \"n\"}} {{if_then_else .el 1 2}}"), "y n 2");
  EXPECT_EQ(r("{{keys .s}}"),
            "ERR: template: template:1:2: executing \"template\" at <keys .s>: error calling keys: cannot take keys of "
            "type string");
}

TEST(TakoFuncs, Events) {
  EXPECT_EQ(r("{{event_field \"version\" .ev}} {{event_field \"nested.deep\" .ev}} [{{event_field \"nope\" .ev}}] "
              "[{{event_field \"x\" .s}}]"),
            "1.2 d [] []");
  EXPECT_EQ(r("{{event_has_field \"nested.deep\" .ev}} {{event_has_field \"nested.zz\" .ev}} "
              "{{.ev | event_has_field \"version\"}}"),
            "true false true");
  EXPECT_EQ(r("{{event_filter \"pkg_\" .ev}} {{event_filter \"zz\" .ev}}"), "map[pkg_name:x pkg_ver:2] map[]");
}

TEST(TakoFuncs, ArgumentCounts) {
  EXPECT_EQ(r("{{upper}}"),
            "ERR: template: template:1:2: executing \"template\" at <upper>: wrong number of args for upper: want 1 "
            "got 0");
  EXPECT_EQ(r("{{replace \"a\" \"b\" \"c\" \"d\"}}"),
            "ERR: template: template:1:2: executing \"template\" at <replace>: wrong number of args for replace: want "
            "3 got 4");
  EXPECT_EQ(r("{{\"x\" | default \"a\" \"b\"}}"),
            "ERR: template: template:1:8: executing \"template\" at <default>: wrong number of args for default: want "
            "2 got 3");
}

}  // namespace
