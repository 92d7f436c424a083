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

#include "tako/util/go_format.h"

TEST(GoFormat, FloatsLikeGoPercentV) {
  EXPECT_EQ(format_go_float(100), "100");
  EXPECT_EQ(format_go_float(0.5), "0.5");
  EXPECT_EQ(format_go_float(3), "3");
  EXPECT_EQ(format_go_float(123456), "123456");
  EXPECT_EQ(format_go_float(999999.5), "999999.5");
  EXPECT_EQ(format_go_float(1e6), "1e+06");
  EXPECT_EQ(format_go_float(1234567), "1.234567e+06");
  EXPECT_EQ(format_go_float(12345678.9), "1.23456789e+07");
  EXPECT_EQ(format_go_float(1e-5), "1e-05");
  EXPECT_EQ(format_go_float(0.0001234), "0.0001234");
  EXPECT_EQ(format_go_float(-2.5), "-2.5");
  EXPECT_EQ(format_go_float(1e21), "1e+21");
  EXPECT_EQ(format_go_float(1e100), "1e+100");
  EXPECT_EQ(format_go_float(0.1 + 0.2), "0.30000000000000004");
}

#include "tako/util/glob.h"

TEST(Glob, SegmentsAndDoubleStar) {
  EXPECT_TRUE(glob_match("*.go", "main.go"));
  EXPECT_FALSE(glob_match("*.go", "cmd/main.go"));
  EXPECT_TRUE(glob_match("**/*.go", "cmd/main.go"));
  EXPECT_TRUE(glob_match("**/*.go", "main.go"));
  EXPECT_TRUE(glob_match("src/**", "src/a/b/c.txt"));
  EXPECT_TRUE(glob_match("go.?od", "go.mod"));
  EXPECT_FALSE(glob_match("go.?od", "go.mood"));
  EXPECT_TRUE(glob_match("./package.json", "package.json"));
  EXPECT_TRUE(glob_match("a/**/z", "a/z"));
  EXPECT_TRUE(glob_match("a/**/z", "a/b/c/z"));
  EXPECT_FALSE(glob_match("a/**/z", "a/b/c/y"));
}
