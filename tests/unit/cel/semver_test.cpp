#include <gtest/gtest.h>

#include "tako/cel/semver.h"
#include "test_util.h"

namespace tako::cel {
namespace {

using testing::run;

bool sat(const char* v, const char* r) {
  auto res = semver::satisfies(v, r);
  EXPECT_TRUE(res.ok()) << v << " " << r;
  return res.ok() && *res;
}

// Every example row of REFERENCE.md §10.5.
TEST(Semver, RangeTable) {
  EXPECT_TRUE(sat("1.2.0", "1.2.0"));
  EXPECT_FALSE(sat("1.2.1", "1.2.0"));
  EXPECT_TRUE(sat("1.2.0", "^1.2.0"));
  EXPECT_TRUE(sat("1.9.9", "^1.2.0"));
  EXPECT_FALSE(sat("1.1.9", "^1.2.0"));
  EXPECT_FALSE(sat("2.0.0", "^1.2.0"));
  EXPECT_TRUE(sat("1.2.0", "~1.2.0"));
  EXPECT_TRUE(sat("1.2.9", "~1.2.0"));
  EXPECT_FALSE(sat("1.3.0", "~1.2.0"));
  EXPECT_TRUE(sat("1.0.0", ">=1.0.0 <2.0.0"));
  EXPECT_TRUE(sat("1.9.9", ">=1.0.0 <2.0.0"));
  EXPECT_FALSE(sat("0.9.9", ">=1.0.0 <2.0.0"));
  EXPECT_FALSE(sat("2.0.0", ">=1.0.0 <2.0.0"));
  EXPECT_TRUE(sat("1.1.1", "(1.1.0...2.0.0]"));
  EXPECT_TRUE(sat("2.0.0", "(1.1.0...2.0.0]"));
  EXPECT_FALSE(sat("1.1.0", "(1.1.0...2.0.0]"));
  EXPECT_FALSE(sat("2.0.1", "(1.1.0...2.0.0]"));
  EXPECT_TRUE(sat("1.0.0", "[1.0.0...2.0.0)"));
  EXPECT_TRUE(sat("1.9.9", "[1.0.0...2.0.0)"));
  EXPECT_FALSE(sat("2.0.0", "[1.0.0...2.0.0)"));
  EXPECT_TRUE(sat("1.0.1", "(1.0.0...]"));
  EXPECT_FALSE(sat("1.0.0", "(1.0.0...]"));
  EXPECT_TRUE(sat("1.0.0", "[1.0.0...)"));
  EXPECT_TRUE(sat("9.0.0", "[1.0.0...)"));
  EXPECT_FALSE(sat("0.9.9", "[1.0.0...)"));
}

TEST(Semver, RangeGrammarDetails) {
  EXPECT_TRUE(sat("0.2.5", "^0.2.0"));
  EXPECT_FALSE(sat("1.0.0", "^0.2.0"));  // caret keeps the major, also for major 0
  EXPECT_TRUE(sat("1.2.3", "=1.2.3"));
  EXPECT_TRUE(sat("1.5.0", " >= 1.0.0   < 2.0.0 "));
  EXPECT_TRUE(sat("1.5.0", "( 1.0.0 ... 2.0.0 )"));
  EXPECT_TRUE(sat("1.5.0", ">1.4.9 <=1.5.0"));
  for (const char* bad : {"", "1.2", "v1.2.3", "1.2.3-rc1", ">=1.0.0<2.0.0", "(1.0.0..2.0.0]", "[1.0.0...2.0.0",
                          "^", "01.2.3", "1.2.x", "[...2.0.0]", "1.0.0 ||2.0.0"}) {
    auto r = semver::parse_range(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().message, std::string("semver: invalid range '") + bad + "'");
    }
  }
}

TEST(Semver, ValidateRangeMessage) {
  EXPECT_TRUE(semver::validate_range("^1.0.0").ok());
  auto st = semver::validate_range("1.x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "invalid version range format '1.x'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, "
            "(1.0.0...2.0.0], [1.0.0...2.0.0)");
}

TEST(Semver, Versions) {
  auto v = semver::parse_version("v1.4.0-rc.1+build.5");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->major, 1u);
  EXPECT_EQ(v->minor, 4u);
  EXPECT_EQ(v->patch, 0u);
  EXPECT_EQ(v->prerelease, (std::vector<std::string>{"rc", "1"}));
  EXPECT_EQ(v->build, "build.5");
  for (const char* bad : {"1.2", "1.2.3.4", "a.b.c", "1.2.3-", "1.2.3+", "1.02.3", "1.2.3-01", "V1.2.3", ""}) {
    auto r = semver::parse_version(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().message, std::string("semver: invalid version '") + bad + "'");
    }
  }
}

TEST(Semver, Precedence) {
  const char* ordered[] = {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                           "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0"};
  for (size_t i = 0; i + 1 < std::size(ordered); ++i) {
    auto a = semver::parse_version(ordered[i]);
    auto b = semver::parse_version(ordered[i + 1]);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(semver::compare(*a, *b), -1) << ordered[i];
    EXPECT_EQ(semver::compare(*b, *a), 1) << ordered[i];
  }
  EXPECT_EQ(semver::compare(*semver::parse_version("1.0.0+a"), *semver::parse_version("v1.0.0+b")), 0);
}

TEST(Semver, CelFunctions) {
  EXPECT_EQ(run("semver.major('v2.3.4') + semver.minor('2.3.4') + semver.patch('2.3.4-rc.1')"), "9");
  EXPECT_EQ(run("semver.compare('1.0.0', '1.0.0-rc.1')"), "1");
  EXPECT_EQ(run("semver.compare('1.0.0', '1.0.0+x')"), "0");
  EXPECT_EQ(run("semver.compare('1.0.0', '2.0.0')"), "-1");
  EXPECT_EQ(run("semver.satisfies('1.5.0', '>=1.0.0 <2.0.0')"), "true");
  EXPECT_EQ(run("semver.major('1.2')"), "ERR: CEL evaluation error: semver: invalid version '1.2'");
  EXPECT_EQ(run("semver.satisfies('1.2.3', 'abc')"), "ERR: CEL evaluation error: semver: invalid range 'abc'");
  EXPECT_EQ(run("semver.satisfies('x', '1.0.0')"), "ERR: CEL evaluation error: semver: invalid version 'x'");
  EXPECT_EQ(run("semver.major(1)"), "ERR: CEL evaluation error: no such overload");
}

}  // namespace
}  // namespace tako::cel
