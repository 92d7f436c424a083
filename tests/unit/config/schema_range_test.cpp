// Schema-version ranges of subscriptions (REFERENCE.md §10.5, §4.6). The validator
// uses the shared grammar of tako::cel::semver (also behind the CEL function
// semver.satisfies); these tests pin the reference table and the §4.6 message
// on that implementation and through validate_file.
#include <gtest/gtest.h>

#include "tako/cel/semver.h"
#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using V = std::vector<std::string>;

bool sat(const char* range, const char* version) {
  auto r = cel::semver::parse_range(range);
  EXPECT_TRUE(r) << range;
  auto v = cel::semver::parse_version(version);
  EXPECT_TRUE(v) << version;
  return r && v && r->satisfied_by(*v);
}

bool valid(const char* range) { return cel::semver::validate_range(range).ok(); }

TEST(SchemaRange, SpecTable) {
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

TEST(SchemaRange, Grammar) {
  EXPECT_TRUE(valid("  >= 1.0.0   < 2.0.0 "));
  EXPECT_TRUE(valid("=1.0.0"));
  EXPECT_TRUE(valid("[ 1.0.0 ... 2.0.0 ]"));
  EXPECT_TRUE(valid("> 1.0.0\t<= 1.5.0"));
  EXPECT_TRUE(sat("^0.2.0", "0.9.0"));  // same major, also for major 0
  EXPECT_TRUE(sat("1.10.0", "1.10.0"));
  EXPECT_TRUE(sat(">1.9.0", "1.10.0"));  // numeric, not lexical
  EXPECT_FALSE(valid(""));
  EXPECT_FALSE(valid("   "));
  EXPECT_FALSE(valid("1.0"));
  EXPECT_FALSE(valid("1.0.0.0"));
  EXPECT_FALSE(valid("v1.0.0"));
  EXPECT_FALSE(valid("1.0.0-rc.1"));
  EXPECT_FALSE(valid(">=1.0.0<2.0.0"));
  EXPECT_FALSE(valid("(1.0.0..2.0.0]"));
  EXPECT_FALSE(valid("(1.0.0...2.0.0"));
  EXPECT_FALSE(valid("(1.0.0...2.0.0] x"));
  EXPECT_FALSE(valid("(...2.0.0]"));
  EXPECT_FALSE(valid("1.0.0 || 2.0.0"));
  EXPECT_FALSE(valid("latest"));
  EXPECT_FALSE(valid("^"));
  // Shared with semver.satisfies: leading zeros and numbers beyond uint64 are
  // not versions (the pre-fold config grammar accepted "=00001.0.0").
  EXPECT_FALSE(valid("=00001.0.0"));
  EXPECT_FALSE(valid("99999999999999999999.0.0"));
}

TEST(SchemaRange, Message) {
  auto st = cel::semver::validate_range("x");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message,
            "invalid version range format 'x'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, "
            "(1.0.0...2.0.0], [1.0.0...2.0.0)");
}

TEST(SchemaRange, EveryTableRangeValidatesInTakoYml) {
  const char* ranges[] = {"1.2.0",           "^1.2.0",          "~1.2.0",     ">=1.0.0 <2.0.0",
                          "(1.1.0...2.0.0]", "[1.0.0...2.0.0)", "(1.0.0...]", "[1.0.0...)"};
  for (const char* r : ranges) {
    std::string yml = std::string("version: 1\nworkflows:\n  w:\n    steps: [echo]\nsubscriptions:\n") +
                      "  - artifact: o/r:a\n    events: [{type: e, schema_version: \"" + r +
                      "\"}]\n    schema_version: \"" + r + "\"\n    workflow: w\n";
    EXPECT_EQ(errors_of(yml), V{}) << r;
  }
  std::string bad =
      "version: 1\nworkflows:\n  w:\n    steps: [echo]\nsubscriptions:\n"
      "  - artifact: o/r:a\n    events: [{type: e, schema_version: \">=1.0.0<2.0.0\"}]\n"
      "    schema_version: \"v1.0.0\"\n    workflow: w\n";
  const std::string tail =
      "'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)";
  EXPECT_EQ(errors_of(bad),
            (V{"7:40: invalid subscriptions: subscription 0: event 0: invalid schema version: "
               "invalid version range format '>=1.0.0<2.0.0" + tail,
               "8:21: invalid subscriptions: subscription 0: invalid schema version: "
               "invalid version range format 'v1.0.0" + tail}));
}

}  // namespace
}  // namespace tako::config
