#include "tako/engine/masker.h"

#include <gtest/gtest.h>

using tako::engine::Masker;

TEST(Masker, ReplacesEveryOccurrenceLongestFirst) {
  Masker m({"abc", "abcdef", ""});
  EXPECT_EQ(m.mask("x abcdef y abc z"), "x *** y *** z");
  EXPECT_EQ(m.mask("abcabc"), "******");
  EXPECT_EQ(m.mask("no secrets"), "no secrets");
  Masker empty;
  EXPECT_EQ(empty.mask("abc"), "abc");
}

TEST(Masker, OverlappingSecrets) {
  Masker m({"s3cr3t", "cr3"});
  EXPECT_EQ(m.mask("s3cr3t and cr3"), "*** and ***");
}

TEST(Masker, MultiLineSecretIsMaskedWholeAndLineByLine) {
  tako::engine::Masker m({"first-line\n  second-line  \r\n\nthird"});
  EXPECT_EQ(m.mask("a first-line\n  second-line  \r\n\nthird b"), "a *** b");
  EXPECT_EQ(m.mask("[first-line]"), "[***]");
  EXPECT_EQ(m.mask("x second-line y"), "x *** y");  // the line without its surrounding blanks
  EXPECT_EQ(m.mask("third"), "***");
  EXPECT_EQ(m.mask("  \r\n"), "  \r\n");  // blank lines are not secrets
}

TEST(Masker, MaskJsonMasksEveryStringAndKey) {
  tako::engine::Masker m({"tok"});
  nlohmann::json j = {{"a", "x-tok"}, {"tok", {1, "tok", true}}, {"n", {{"deep", "tok tok"}}}};
  m.mask_json(j);
  EXPECT_EQ(j, (nlohmann::json{{"a", "x-***"}, {"***", {1, "***", true}}, {"n", {{"deep", "*** ***"}}}}));
  tako::engine::Masker none;
  nlohmann::json k = {{"tok", "tok"}};
  none.mask_json(k);
  EXPECT_EQ(k, (nlohmann::json{{"tok", "tok"}}));
}
