#include "tako/util/strings.h"
#include "tako/util/sha256.h"

#include <gtest/gtest.h>

using namespace tako::util;

TEST(Strings, Basics) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(to_lower("AbC"), "abc");
  EXPECT_EQ(to_upper("AbC"), "ABC");
  EXPECT_TRUE(iequals("My-Org/Repo", "my-org/repo"));
  EXPECT_FALSE(iequals("a", "ab"));
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(replace_all("{owner}/{repo}/{owner}", "{owner}", "o"), "o/{repo}/o");
}

TEST(Sha256, KnownVector) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
