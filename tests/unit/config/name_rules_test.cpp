// Name patterns (REFERENCE.md §4.1) and reference syntaxes.
#include <gtest/gtest.h>

#include "tako/config/name_rules.h"

namespace tako::config {
namespace {

TEST(NameRules, Patterns) {
  EXPECT_TRUE(is_name("a"));
  EXPECT_TRUE(is_name("Build_all-2"));
  EXPECT_FALSE(is_name("_a"));
  EXPECT_FALSE(is_name("1a"));
  EXPECT_FALSE(is_name(""));
  EXPECT_FALSE(is_name("a.b"));
  EXPECT_TRUE(is_id("_a-1"));
  EXPECT_FALSE(is_id("-a"));
  EXPECT_TRUE(is_env_name("_A1"));
  EXPECT_FALSE(is_env_name("A-1"));
  EXPECT_TRUE(is_event_type("lib_built2"));
  EXPECT_FALSE(is_event_type("Lib"));
  EXPECT_FALSE(is_event_type("_lib"));
  EXPECT_FALSE(is_event_type("lib-built"));
  EXPECT_TRUE(is_semver("1.22.333"));
  EXPECT_FALSE(is_semver("1.2"));
  EXPECT_FALSE(is_semver("1.2.3.4"));
  EXPECT_FALSE(is_semver("v1.2.3"));
  EXPECT_FALSE(is_semver("1.2.3-rc1"));
  EXPECT_FALSE(is_semver("1..3"));
}

TEST(NameRules, RepoSpecs) {
  EXPECT_TRUE(is_owner_repo("my-org/my.repo_1"));
  EXPECT_FALSE(is_owner_repo("a/b/c"));
  EXPECT_FALSE(is_owner_repo("a/"));
  EXPECT_TRUE(is_repo_spec("o/r:feature/x"));
  EXPECT_FALSE(is_repo_spec("o/r:"));
  EXPECT_FALSE(is_repo_spec("o"));
  EXPECT_TRUE(is_metadata_name("repo"));
  EXPECT_FALSE(is_metadata_name("a b"));
}

TEST(NameRules, ArtifactReferences) {
  std::string err;
  auto ok = parse_artifact_ref("o/r:lib", &err);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->repo, "o/r");
  EXPECT_EQ(ok->name, "lib");
  EXPECT_TRUE(parse_artifact_ref("o/r:*", &err));
  EXPECT_FALSE(parse_artifact_ref("o/r:a:b", &err));
  EXPECT_EQ(err, "artifact name 'a:b' must start with a letter and contain only letters, numbers, underscores, and hyphens");
}

}  // namespace
}  // namespace tako::config
