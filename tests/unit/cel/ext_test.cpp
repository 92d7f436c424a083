#include <gtest/gtest.h>

#include "test_util.h"

namespace tako::cel {
namespace {

using testing::run;

TEST(CelStringsExt, CharAt) {
  EXPECT_EQ(run("'tacocat'.charAt(3)"), "\"o\"");
  EXPECT_EQ(run("'©αT'.charAt(1)"), "\"α\"");
  EXPECT_EQ(run("'tacocat'.charAt(7)"), "\"\"");
  EXPECT_EQ(run("'tacocat'.charAt(30)"), "ERR: CEL evaluation error: index out of range: 30");
  EXPECT_EQ(run("'tacocat'.charAt(-1)"), "ERR: CEL evaluation error: index out of range: -1");
  EXPECT_EQ(run("42.charAt(1)"), "ERR: CEL evaluation error: no such overload");
}

TEST(CelStringsExt, IndexOf) {
  EXPECT_EQ(run("'tacocat'.indexOf('ac')"), "1");
  EXPECT_EQ(run("'tacocat'.indexOf('a', 3)"), "5");
  EXPECT_EQ(run("'ta©o©αT'.indexOf('©', 3)"), "4");
  EXPECT_EQ(run("'tacocat'.indexOf('none')"), "-1");
  EXPECT_EQ(run("'tacocat'.indexOf('', 30)"), "7");
  EXPECT_EQ(run("'tacocat'.indexOf('a', -1)"), "ERR: CEL evaluation error: index out of range: -1");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('at')"), "5");
  EXPECT_EQ(run("'bananananana'.lastIndexOf('nana', 7)"), "6");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('')"), "7");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('a', -1)"), "ERR: CEL evaluation error: index out of range: -1");
  EXPECT_EQ(run("'42'.indexOf(4)"), "ERR: CEL evaluation error: no such overload");
}

// An offset past the end is an error for a non-empty substring (cel-spec string_ext
// value_errors/indexof_out_of_range); offsets and the end count code points, not bytes.
TEST(CelStringsExt, IndexOfOffsetPastTheEnd) {
  EXPECT_EQ(run("'tacocat'.indexOf('a', 30)"), "ERR: CEL evaluation error: index out of range: 30");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('a', 30)"), "ERR: CEL evaluation error: index out of range: 30");
  EXPECT_EQ(run("'tacocat'.indexOf('a', 8)"), "ERR: CEL evaluation error: index out of range: 8");
  EXPECT_EQ(run("'tacocat'.indexOf('a', 7)"), "-1");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('t', 7)"), "6");
  EXPECT_EQ(run("'tacocat'.lastIndexOf('', 30)"), "7");
  EXPECT_EQ(run("'tacocat'.indexOf('', -1)"), "ERR: CEL evaluation error: index out of range: -1");
  // 'ta©o©αT' is 7 code points but 10 bytes: 8 is past the end, 7 is the end.
  EXPECT_EQ(run("'ta©o©αT'.indexOf('T', 8)"), "ERR: CEL evaluation error: index out of range: 8");
  EXPECT_EQ(run("'ta©o©αT'.indexOf('T', 7)"), "-1");
  EXPECT_EQ(run("'ta©o©αT'.indexOf('T', 6)"), "6");
  EXPECT_EQ(run("'ta©o©αT'.lastIndexOf('©', 9)"), "ERR: CEL evaluation error: index out of range: 9");
  EXPECT_EQ(run("'ta©o©αT'.lastIndexOf('©', 7)"), "4");
  EXPECT_EQ(run("'ta©o©αT'.lastIndexOf('©', -2)"), "ERR: CEL evaluation error: index out of range: -2");
}

TEST(CelStringsExt, Case) {
  EXPECT_EQ(run("'TacoCÆt'.lowerAscii()"), "\"tacocÆt\"");
  EXPECT_EQ(run("'tacoCαt'.upperAscii()"), "\"TACOCαT\"");
  EXPECT_EQ(run("'TacoCat'.lower() + upper('x') + lower('Y') + 'z'.upper()"), "\"tacocatXyZ\"");
  EXPECT_EQ(run("lower(1)"), "ERR: CEL evaluation error: no such overload");
}

TEST(CelStringsExt, Replace) {
  EXPECT_EQ(run("'{0} days {0} hours'.replace('{0}', '2')"), "\"2 days 2 hours\"");
  EXPECT_EQ(run("'{0} days {0} hours'.replace('{0}', '2', 1)"), "\"2 days {0} hours\"");
  EXPECT_EQ(run("'abc'.replace('', '_')"), "\"_a_b_c_\"");
  EXPECT_EQ(run("'aaa'.replace('a', 'b', 0)"), "\"aaa\"");
  EXPECT_EQ(run("'42'.replace(2, 1)"), "ERR: CEL evaluation error: no such overload");
}

TEST(CelStringsExt, Split) {
  EXPECT_EQ(run("'a b c'.split(' ')"), "[\"a\", \"b\", \"c\"]");
  EXPECT_EQ(run("'a b c'.split(' ', 2)"), "[\"a\", \"b c\"]");
  EXPECT_EQ(run("'a b c'.split(' ', 0)"), "[]");
  EXPECT_EQ(run("'a b c'.split(' ', -1)"), "[\"a\", \"b\", \"c\"]");
  EXPECT_EQ(run("'ab©'.split('')"), "[\"a\", \"b\", \"©\"]");
  EXPECT_EQ(run("42.split('2')"), "ERR: CEL evaluation error: no such overload");
}

TEST(CelStringsExt, Substring) {
  EXPECT_EQ(run("'tacocat'.substring(4)"), "\"cat\"");
  EXPECT_EQ(run("'ta©o©αT'.substring(2, 6)"), "\"©o©α\"");
  EXPECT_EQ(run("'tacocat'.substring(40)"), "ERR: CEL evaluation error: index out of range: 40");
  EXPECT_EQ(run("'tacocat'.substring(4, 3)"), "ERR: CEL evaluation error: invalid substring range. start: 4, end: 3");
}

TEST(CelStringsExt, TrimJoinReverseQuote) {
  EXPECT_EQ(run("' \\f\\n\\r\\t\\vtext\\u00a0\\u3000'.trim()"), "\"text\"");
  EXPECT_EQ(run("'\\u200btext'.trim()"), "\"\u200btext\"");
  EXPECT_EQ(run("['x', 'y'].join()"), "\"xy\"");
  EXPECT_EQ(run("['x', 'y'].join('-')"), "\"x-y\"");
  EXPECT_EQ(run("[1].join('-')"), "ERR: CEL evaluation error: join: list contains a non-string element");
  EXPECT_EQ(run("'Ta©oCαt'.reverse()"), "\"tαCo©aT\"");
  EXPECT_EQ(run("strings.quote('a\"b\\n')"), R"("\"a\\\"b\\n\"")");
}

TEST(CelStringsExt, Format) {
  EXPECT_EQ(run("'%s is %d years, %.2f%%'.format(['x', 3, 1.5])"), "\"x is 3 years, 1.50%\"");
  EXPECT_EQ(run("'%b %o %x %X %e'.format([5, 8, 255, 255, 1052.03])"), "\"101 10 ff FF 1.052030e+03\"");
  EXPECT_EQ(run("'%s'.format([[1, 2.0, 'a', {'k': null}]])"), "\"[1, 2, a, {k: null}]\"");
  EXPECT_EQ(run("'%x'.format(['hi'])"), "\"6869\"");
  EXPECT_EQ(run("'%a'.format([1])"),
            "ERR: CEL evaluation error: could not parse formatting clause: unrecognized formatting clause \"a\"");
  EXPECT_EQ(run("'%d %d'.format([1])"), "ERR: CEL evaluation error: index 1 out of range");
  EXPECT_EQ(run("'%s'.format([1, 2])"),
            "ERR: CEL evaluation error: too many arguments supplied to string.format (expected 1, got 2)");
  EXPECT_EQ(run("'%b'.format(['x'])"),
            "ERR: CEL evaluation error: error during formatting: only ints, uints, and bools can be formatted as "
            "binary, was given string");
  EXPECT_EQ(run("'50%'.format([])"), "ERR: CEL evaluation error: unexpected end of string");
}

}  // namespace
}  // namespace tako::cel

namespace tako::cel {
namespace {

TEST(CelOptionalExt, Bind) {
  EXPECT_EQ(testing::run("cel.bind(x, [1, [2, 3]], x[1])"), "[2, 3]");
  EXPECT_EQ(testing::run("cel.bind(a, 'x', cel.bind(b, a + 'y', a + b))"), "\"xxy\"");
  EXPECT_EQ(testing::run("cel.bind(v, [1, 2], [2, 3].filter(e, e in v))"), "[2]");
}

TEST(CelOptionalExt, Base64) {
  EXPECT_EQ(testing::run("base64.encode(b'hello')"), "\"aGVsbG8=\"");
  EXPECT_EQ(testing::run("base64.decode('aGVsbG8')"), "b\"hello\"");
  EXPECT_EQ(testing::run("base64.decode('a$')"), "ERR: CEL evaluation error: base64: illegal character in input");
}

}  // namespace
}  // namespace tako::cel

namespace tako::cel {
namespace {

TEST(CelOptionalExt, TwoVariableComprehensions) {
  EXPECT_EQ(testing::run("[10, 20].all(i, v, v == (i + 1) * 10)"), "true");
  EXPECT_EQ(testing::run("{'a': 1, 'b': 2}.exists(k, v, k == 'b' && v == 2)"), "true");
  EXPECT_EQ(testing::run("[5, 7, 8].existsOne(i, v, v % 5 == i)"), "true");
  EXPECT_EQ(testing::run("[2, 4, 6].transformList(i, v, i != 1, v / 2 + i)"), "[1, 5]");
  EXPECT_EQ(testing::run("{'a': 'x'}.transformMap(k, v, k + v)"), "{\"a\": \"ax\"}");
  EXPECT_EQ(testing::run("['p', 'q'].transformMap(i, v, v + string(i))"), "{0: \"p0\", 1: \"q1\"}");
  EXPECT_EQ(testing::run("[1].all(x, x, true)").substr(0, 40), "ERR: CEL compilation error: syntax error");
}

}  // namespace
}  // namespace tako::cel

namespace tako::cel {
namespace {

TEST(CelOptionalExt, Math) {
  EXPECT_EQ(testing::run("math.greatest(1, 2.5, 3u)"), "3u");
  EXPECT_EQ(testing::run("math.least([4, -1.5, 2])"), "-1.5");
  EXPECT_EQ(testing::run("math.greatest([])").substr(0, 27), "ERR: CEL evaluation error: ");
  EXPECT_EQ(testing::run("math.greatest('a', 1)"), "ERR: CEL evaluation error: no such overload");
  EXPECT_EQ(testing::run("[math.ceil(1.2), math.floor(-1.2), math.round(-1.5), math.trunc(-1.7)]"), "[2.0, -2.0, -2.0, -1.0]");
  EXPECT_EQ(testing::run("math.abs(-9223372036854775808)"), "ERR: CEL evaluation error: integer overflow");
  EXPECT_EQ(testing::run("[math.sign(-3), math.sign(0u), math.sign(2.5)]"), "[-1, 0u, 1.0]");
  EXPECT_EQ(testing::run("math.isNaN(0.0 / 0.0) && math.isInf(1.0 / 0.0) && math.isFinite(1.0)"), "true");
  EXPECT_EQ(testing::run("[math.bitAnd(6, 3), math.bitOr(4u, 1u), math.bitXor(5, 1), math.bitNot(0)]"), "[2, 5u, 4, -1]");
  EXPECT_EQ(testing::run("[math.bitShiftLeft(1, 2), math.bitShiftRight(-1024, 3), math.bitShiftLeft(1, 64)]"),
            "[4, 2305843009213693824, 0]");
  EXPECT_EQ(testing::run("math.bitShiftLeft(1, -1)"), "ERR: CEL evaluation error: math.bitShift: negative offset: -1");
  EXPECT_EQ(testing::run("math.sqrt(16)"), "4.0");
}

}  // namespace
}  // namespace tako::cel

namespace tako::cel {
namespace {

TEST(CelOptionalExt, OptionalTypes) {
  EXPECT_EQ(testing::run("{'a': {'b': 1}}.?a.?b"), "optional.of(1)");
  EXPECT_EQ(testing::run("{'a': 1}.?x.orValue(7)"), "7");
  EXPECT_EQ(testing::run("{'a': 1}[?'a'].value()"), "1");
  EXPECT_EQ(testing::run("[1, 2][?5].hasValue()"), "false");
  EXPECT_EQ(testing::run("optional.none().value()"), "ERR: CEL evaluation error: optional.none() dereference");
  EXPECT_EQ(testing::run("[?optional.none(), ?optional.of(1), 2]"), "[1, 2]");
  EXPECT_EQ(testing::run("{?'a': optional.none(), ?'b': optional.of(2)}"), "{\"b\": 2}");
  EXPECT_EQ(testing::run("optional.of(2).optMap(x, x * 10).value()"), "20");
  EXPECT_EQ(testing::run("optional.ofNonZeroValue('').or(optional.of('d')).value()"), "\"d\"");
  EXPECT_EQ(testing::run("type(optional.none()) == optional_type"), "true");
}

TEST(CelOptionalExt, Block) {
  EXPECT_EQ(testing::run("cel.block([1, cel.index(0) + 1], cel.index(1) * 10)"), "20");
  EXPECT_EQ(testing::run("cel.block([1 / 0, 2], cel.index(1))"), "2");
  EXPECT_EQ(testing::run("cel.block([[1, 2]], cel.index(0).map(cel.iterVar(0, 0), cel.iterVar(0, 0) + 1))"), "[2, 3]");
}

}  // namespace
}  // namespace tako::cel

namespace tako::cel {
namespace {

TEST(CelOptionalExt, Network) {
  EXPECT_EQ(testing::run("string(ip('2001:0db8:0:0:0:0:0:68'))"), "\"2001:db8::68\"");
  EXPECT_EQ(testing::run("ip('10.0.0.1').family() + ip('::1').family()"), "10");
  EXPECT_EQ(testing::run("cidr('10.0.0.0/8').containsIP('10.1.2.3') && !cidr('10.0.0.0/8').containsIP(ip('11.0.0.1'))"), "true");
  EXPECT_EQ(testing::run("string(cidr('192.168.0.1/24').masked())"), "\"192.168.0.0/24\"");
  EXPECT_EQ(testing::run("ip('1.2.3')"), "ERR: CEL evaluation error: IP Address '1.2.3' parse error during conversion from string");
  EXPECT_EQ(testing::run("ip('::ffff:1.2.3.4')"), "ERR: CEL evaluation error: IPv4-mapped IPv6 address is not allowed");
  EXPECT_EQ(testing::run("type(cidr('::/0')) == net.CIDR && ip('::ffff:c0a8:1') == ip('192.168.0.1')"), "true");
  EXPECT_EQ(testing::run("[ip('127.0.0.1').isLoopback(), ip('fe80::1').isLinkLocalUnicast(), ip('255.255.255.255').isGlobalUnicast()]"),
            "[true, true, false]");
}

}  // namespace
}  // namespace tako::cel
