#include "tako/repo/spec.h"

#include <gtest/gtest.h>

using tako::repo::parse_spec;

TEST(RepoSpec, ParsesOwnerRepoAndRef) {
  auto s = parse_spec("my-org/go_lib.v2");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->owner, "my-org");
  EXPECT_EQ(s->name, "go_lib.v2");
  EXPECT_EQ(s->ref, "main");
  EXPECT_FALSE(s->ref_given);
  auto r = parse_spec("o/r:release/1.x");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ref, "release/1.x");
  EXPECT_EQ(r->display(), "o/r:release/1.x");
}

TEST(RepoSpec, RejectsMalformed) {
  for (const char* bad : {"", "repo", "/r", "o/", "o/r/x", "o r/x", "o/r:", "o/r:-x", "o/r:a..b", "o/r:a:b",
                          "o/$r"}) {
    auto s = parse_spec(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.error().message, std::string("TAKO_E005: invalid repository specification: ") + bad +
                                     " (expected format: owner/repo or owner/repo:branch)");
  }
}
