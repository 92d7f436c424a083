// printf: verbs v s d q x X o b e E f F g G t c U %, flags + - # 0 space,
// width/precision incl. *, argument indexes and Go's %!verb(...) forms.
#include <gtest/gtest.h>

#include "helpers.h"

namespace {

using namespace tmpl_test;

std::string pf(const std::string& args) { return run("{{printf " + args + "}}", sample()); }

TEST(Printf, Integers) {
  EXPECT_EQ(pf("\"%d|%5d|%-5d|%05d|%+d|% d\" 42 42 42 42 42 42"), "42|   42|42   |00042|+42| 42");
  EXPECT_EQ(pf("\"%x|%X|%#x|%o|%#o|%O|%b|%#b\" 255 255 255 8 8 8 5 5"), "ff|FF|0xff|10|010|0o10|101|0b101");
  EXPECT_EQ(pf("\"%c|%q|%U|%#U\" 65 65 233 233"), "A|'A'|U+00E9|U+00E9 '\xc3\xa9'");
  EXPECT_EQ(pf("\"%.3d|%8.3d|%.0d|%5.0d|\" 7 7 0 0"), "007|     007||     |");
  EXPECT_EQ(pf("\"%x|%X|%+08d\" -255 -255 -42"), "-ff|-FF|-0000042");
  EXPECT_EQ(pf("\"%c%c\" -1 1114112"), "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(Printf, Floats) {
  EXPECT_EQ(pf("\"%f|%.2f|%8.3f|%-8.3f|\" 3.14159 3.14159 3.14159 3.14159"), "3.141590|3.14|   3.142|3.142   |");
  EXPECT_EQ(pf("\"%e|%E|%g|%G|%.3g|%10.4e\" 1234.5678 1234.5678 1234.5678 0.000012345 1234.5678 1234.5678"),
            "1.234568e+03|1.234568E+03|1234.5678|1.2345E-05|1.23e+03|1.2346e+03");
  EXPECT_EQ(pf("\"%.0f %.0f %.0f %.1f %.2f\" 0.5 1.5 2.5 0.25 1.005"), "0 2 2 0.2 1.00");
  EXPECT_EQ(pf("\"%e %.0e %#.0e %#g %#.3g %#v\" 0.0 5.0 5.0 1.0 100.0 1.0"),
            "0.000000e+00 5e+00 5.e+00 1.00000 100. 1");
  EXPECT_EQ(pf("\"%08.3f|%+.1f|% .3g|%010.3f\" -1.5 -2.25 1.0 3.14"), "-001.500|-2.2| 1|000003.140");
  EXPECT_EQ(pf("\"%x|%X|%b\" 1.5 1.5 1.0"), "0x1.8p+00|0X1.8P+00|4503599627370496p-52");
  EXPECT_EQ(pf("\"%v|%.3v|%10v|\" 1e6 3.14159 2.5"), "1e+06|3.14|       2.5|");
  EXPECT_EQ(pf("\"%F\" 2.5"), "2.500000");
}

TEST(Printf, StringsAndBools) {
  EXPECT_EQ(pf("\"%s|%q|%x|%X|% x|%#x|%10s|%-10s|%.2s\" \"hello\" \"hi\\n\" \"hi\" \"hi\" \"abc\" \"abc\" \"r\" \"l\" "
               "\"h\xc3\xa9llo\""),
            "hello|\"hi\\n\"|6869|6869|61 62 63|0x616263|         r|l         |h\xc3\xa9");
  EXPECT_EQ(pf("\"%q|%+q|%#q|%#q\" \"\xc3\xa9\\x01\" \"\xc3\xa9\" \"\xc3\xa9\" \"a`b\""),
            "\"\xc3\xa9\\x01\"|\"\\u00e9\"|`\xc3\xa9`|\"a`b\"");
  EXPECT_EQ(pf("\"%t|%v|%5t|\" true false true"), "true|false| true|");
  EXPECT_EQ(pf("\"%05s|%-05s|\" \"ab\" \"ab\""), "000ab|ab   |");
}

TEST(Printf, Composites) {
  EXPECT_EQ(pf("\"%v|%+v\" .m .m"), "map[i:7 k:v n:<nil> sub:map[x:1]]|map[i:7 k:v n:<nil> sub:map[x:1]]");
  EXPECT_EQ(pf("\"%#v\" .m"),
            "map[string]interface {}{\"i\":7, \"k\":\"v\", \"n\":interface {}(nil), "
            "\"sub\":map[string]interface {}{\"x\":1}}");
  EXPECT_EQ(pf("\"%v|%#v|%d\" .li .ls .li"), "[3 1 2]|[]interface {}{\"b\", \"a\", \"c\"}|[3 1 2]");
  EXPECT_EQ(pf("\"%5v|%x\" .li .ls"), "[    3     1     2]|[62 61 63]");
  EXPECT_EQ(pf("\"%d\" .l"), "[1 %!d(float64=2.5) %!d(string=s) <nil> %!d(bool=true)]");
}

TEST(Printf, BadVerbsAndArguments) {
  EXPECT_EQ(pf("\"%d %s\" \"x\" 5"), "%!d(string=x) %!s(int=5)");
  EXPECT_EQ(pf("\"%d %d\" 1"), "1 %!d(MISSING)");
  EXPECT_EQ(pf("\"%d\" 1 \"extra\" nil"), "1%!(EXTRA string=extra, <nil>)");
  EXPECT_EQ(pf("\"%[2]d %[1]d\" 1 2"), "2 1");
  EXPECT_EQ(pf("\"%[3]d %d\" 1 2 3"), "3 %!d(MISSING)");
  EXPECT_EQ(pf("\"%*d|%-*d|%.*f\" 5 1 5 2 2 3.14159"), "    1|2    |3.14");
  EXPECT_EQ(pf("\"%!\""), "%!!(MISSING)");
  EXPECT_EQ(pf("\"%\""), "%!(NOVERB)");
  EXPECT_EQ(pf("\"%z|%5%\" 1"), "%!z(int=1)|%");
  EXPECT_EQ(pf("\"%v %d\" nil .missing"), "<nil> %!d(<nil>)");
  EXPECT_EQ(pf("\"%*d\" \"x\" 1"), "%!(BADWIDTH)1");
}

TEST(Printf, ArgumentTypeErrors) {
  EXPECT_EQ(run("{{printf 1}}"),
            "ERR: template: template:1:9: executing \"template\" at <1>: expected string; found 1");
  EXPECT_EQ(run("{{printf .a}}", sample()),
            "ERR: template: template:1:9: executing \"template\" at <.a>: wrong type for value; expected string; got "
            "int64");
  EXPECT_EQ(run("{{printf .n}}", sample()),
            "ERR: template: template:1:9: executing \"template\" at <.n>: wrong type for value; expected string; got "
            "interface {}");
  EXPECT_EQ(run("{{printf .missing}}", sample()),
            "ERR: template: template:1:9: executing \"template\" at <.missing>: invalid value; expected string");
  EXPECT_EQ(run("{{printf nil}}"),
            "ERR: template: template:1:9: executing \"template\" at <nil>: cannot assign nil to string");
  EXPECT_EQ(run("{{printf}}"),
            "ERR: template: template:1:2: executing \"template\" at <printf>: wrong number of args for printf: want at "
            "least 1 got 0");
  EXPECT_EQ(run("{{\"x\" | printf \"%s-%s\" \"y\"}}"), "y-x");
}

}  // namespace
