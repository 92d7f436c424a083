// Schema-version ranges (SPEC §10.5): the table of the SPEC, grammar edge cases.
#include <gtest/gtest.h>

#include "tako/config/version_range.h"

namespace tako::config {
namespace {

bool sat(const char* range, const char* version) {
  auto r = VersionRange::parse(range);
  EXPECT_TRUE(r) << range;
  return r && r->satisfies(version);
}

TEST(VersionRange, SpecTable) {
  EXPECT_TRUE(sat("1.2.0", "1.2.0"));
  EXPECT_FALSE(sat("1.2.0", "1.2.1"));
  EXPECT_TRUE(sat("^1.2.0", "1.2.0"));
  EXPECT_TRUE(sat("^1.2.0", "1.9.9"));
  EXPECT_FALSE(sat("^1.2.0", "1.1.9"));
  EXPECT_FALSE(sat("^1.2.0", "2.0.0"));
  EXPECT_TRUE(sat("~1.2.0", "1.2.0"));
  EXPECT_TRUE(sat("~1.2.0", "1.2.9"));
  EXPECT_FALSE(sat("~1.2.0", "1.3.0"));
  EXPECT_TRUE(sat(">=1.0.0 <2.0.0", "1.0.0"));
  EXPECT_TRUE(sat(">=1.0.0 <2.0.0", "1.9.9"));
  EXPECT_FALSE(sat(">=1.0.0 <2.0.0", "0.9.9"));
  EXPECT_FALSE(sat(">=1.0.0 <2.0.0", "2.0.0"));
  EXPECT_TRUE(sat("(1.1.0...2.0.0]", "1.1.1"));
  EXPECT_TRUE(sat("(1.1.0...2.0.0]", "2.0.0"));
  EXPECT_FALSE(sat("(1.1.0...2.0.0]", "1.1.0"));
  EXPECT_FALSE(sat("(1.1.0...2.0.0]", "2.0.1"));
  EXPECT_TRUE(sat("[1.0.0...2.0.0)", "1.0.0"));
  EXPECT_TRUE(sat("[1.0.0...2.0.0)", "1.9.9"));
  EXPECT_FALSE(sat("[1.0.0...2.0.0)", "2.0.0"));
  EXPECT_TRUE(sat("(1.0.0...]", "1.0.1"));
  EXPECT_FALSE(sat("(1.0.0...]", "1.0.0"));
  EXPECT_TRUE(sat("[1.0.0...)", "1.0.0"));
  EXPECT_TRUE(sat("[1.0.0...)", "9.0.0"));
  EXPECT_FALSE(sat("[1.0.0...)", "0.9.9"));
}

TEST(VersionRange, Grammar) {
  EXPECT_TRUE(VersionRange::parse("  >= 1.0.0   < 2.0.0 "));
  EXPECT_TRUE(VersionRange::parse("=1.0.0"));
  EXPECT_TRUE(VersionRange::parse("[ 1.0.0 ... 2.0.0 ]"));
  EXPECT_TRUE(sat("^0.2.0", "0.9.0"));  // same major, also for major 0
  EXPECT_TRUE(sat("1.10.0", "1.10.0"));
  EXPECT_TRUE(sat(">1.9.0", "1.10.0"));  // numeric, not lexical
  EXPECT_TRUE(sat("=00001.0.0", "1.0.0"));
  EXPECT_FALSE(VersionRange::parse(""));
  EXPECT_FALSE(VersionRange::parse("1.0"));
  EXPECT_FALSE(VersionRange::parse("v1.0.0"));
  EXPECT_FALSE(VersionRange::parse(">=1.0.0<2.0.0"));
  EXPECT_FALSE(VersionRange::parse("(1.0.0..2.0.0]"));
  EXPECT_FALSE(VersionRange::parse("(1.0.0...2.0.0"));
  EXPECT_FALSE(VersionRange::parse("(1.0.0...2.0.0] x"));
  EXPECT_FALSE(VersionRange::parse("1.0.0 || 2.0.0"));
  EXPECT_FALSE(VersionRange::parse("latest"));
  auto r = VersionRange::parse("^1.0.0");
  EXPECT_FALSE(r->satisfies("1.0"));
  EXPECT_FALSE(r->satisfies("1.2.3-rc1"));
}

TEST(VersionRange, Message) {
  EXPECT_EQ(invalid_range_message("x"),
            "invalid version range format 'x'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, "
            "(1.0.0...2.0.0], [1.0.0...2.0.0)");
}

}  // namespace
}  // namespace tako::config
