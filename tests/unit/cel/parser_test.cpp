#include <string>

#include <gtest/gtest.h>

#include "tako/cel/ast.h"
#include "tako/cel/cel.h"
#include "test_util.h"

namespace tako::cel {
namespace {

std::string parse_error(const std::string& text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text;
  return r.ok() ? "" : r.error().message;
}

TEST(CelParser, ErrorPositions) {
  EXPECT_EQ(parse_error("1 +"), "syntax error at line 1, column 4: unexpected end of expression");
  EXPECT_EQ(parse_error("a &&\n  )"), "syntax error at line 2, column 3: unexpected ')'");
  EXPECT_EQ(parse_error("(1 + 2"), "syntax error at line 1, column 7: unexpected end of expression, expecting ')'");
  EXPECT_EQ(parse_error("'abc"), "syntax error at line 1, column 1: unterminated string literal");
  EXPECT_EQ(parse_error("x.y #"), "syntax error at line 1, column 5: unexpected character '#'");
  EXPECT_EQ(parse_error("\"é\" + $"), "syntax error at line 1, column 7: unexpected character '$'");  // columns count code points
  EXPECT_EQ(parse_error("1 2"), "syntax error at line 1, column 3: unexpected number, expecting end of expression");
  EXPECT_EQ(parse_error("'\\q'"), "syntax error at line 1, column 2: invalid escape sequence");
}

TEST(CelParser, ReservedAndMacros) {
  EXPECT_EQ(parse_error("while"), "syntax error at line 1, column 1: reserved identifier 'while'");
  EXPECT_TRUE(parse("{'if': 1}.if").ok());
  EXPECT_EQ(parse_error("[1].all(x.y, true)"), "syntax error at line 1, column 10: argument of all() must be a simple name");
  EXPECT_EQ(parse_error("has(x)"), "syntax error at line 1, column 5: invalid argument to has() macro");
  EXPECT_TRUE(parse("has(x.y)").ok());
}

TEST(CelParser, IntLiteralLimits) {
  EXPECT_EQ(testing::run("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(parse_error("9223372036854775808"), "syntax error at line 1, column 1: invalid int literal");
  EXPECT_EQ(testing::run("18446744073709551615u"), "18446744073709551615u");
  EXPECT_EQ(testing::run("0x1F"), "31");
  EXPECT_EQ(testing::run("0XFFu"), "255u");
}

TEST(CelParser, StringLiterals) {
  EXPECT_EQ(testing::run(R"('a\tb\x41\101\u00e9\U0001F600')"), "\"a\\tbAAé😀\"");
  EXPECT_EQ(testing::run(R"(r'a\tb')"), R"("a\\tb")");
  EXPECT_EQ(testing::run("'''multi\nline'''"), "\"multi\\nline\"");
  EXPECT_EQ(testing::run(R"(b'\xff\377')"), R"(b"\xff\xff")");
  EXPECT_EQ(testing::run(R"('\xff')"), "\"ÿ\"");
  EXPECT_FALSE(parse(R"(b'\u00e9')").ok());
  EXPECT_FALSE(parse("'\\ud800'").ok());
  EXPECT_FALSE(parse("'a\nb'").ok());
}

TEST(CelParser, DepthLimit) {
  std::string deep(300, '(');
  deep += "1" + std::string(300, ')');
  EXPECT_NE(parse_error(deep).find("nesting exceeds the limit of 250"), std::string::npos);
  std::string ok(200, '(');
  ok += "1" + std::string(200, ')');
  EXPECT_TRUE(parse(ok).ok());
  // long left-associative chains are depth too; long || / && chains are balanced
  std::string sum = "1";
  for (int i = 0; i < 300; ++i) sum += " + 1";
  EXPECT_FALSE(parse(sum).ok());
  std::string ors = "false";
  for (int i = 0; i < 5000; ++i) ors += " || false";
  EXPECT_TRUE(parse(ors).ok());
  EXPECT_EQ(testing::run(ors), "false");
  std::string members = "x";
  for (int i = 0; i < 300; ++i) members += ".a";
  EXPECT_FALSE(parse(members).ok());
}

TEST(CelParser, TextLimit) {
  std::string big = "'" + std::string(100 * 1024, 'a') + "'";
  EXPECT_EQ(parse_error(big), "expression text exceeds the limit of 102400 bytes");
  Env env;
  auto p = compile(big, env);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message, "CEL compilation error: expression text exceeds the limit of 102400 bytes");
}

TEST(CelParser, Comments) { EXPECT_EQ(testing::run("1 + // one\n 2"), "3"); }

}  // namespace
}  // namespace tako::cel
