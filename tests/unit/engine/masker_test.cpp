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
