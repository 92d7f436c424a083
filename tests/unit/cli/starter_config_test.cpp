#include "tako/cli/starter_config.h"

#include <gtest/gtest.h>

#include "tako/config/loader.h"

using namespace tako::cli;

TEST(StarterIdentity, FromOriginUrls) {
  for (const char* url : {"https://github.com/o/r.git", "https://github.com/o/r", "https://github.com/o/r/",
                          "git@github.com:o/r.git", "ssh://git@host/x/o/r", "file:///srv/git/o/r.git",
                          "/srv/git/o/r.git"}) {
    auto id = starter_identity(std::string(url), "dir");
    EXPECT_EQ(id.name, "o/r") << url;
    EXPECT_FALSE(id.placeholder) << url;
  }
}

TEST(StarterIdentity, PlaceholderWithoutUsableOrigin) {
  auto none = starter_identity(std::nullopt, "my repo");
  EXPECT_EQ(none.name, "your-org/my-repo");
  EXPECT_TRUE(none.placeholder);
  // One path component: no owner.
  auto bare = starter_identity(std::string("justname"), "d");
  EXPECT_EQ(bare.name, "your-org/d");
  EXPECT_TRUE(bare.placeholder);
  // Characters an identity cannot hold.
  auto odd = starter_identity(std::string("https://h/o w/r!.git"), "d");
  EXPECT_TRUE(odd.placeholder);
  EXPECT_EQ(starter_identity(std::nullopt, "..").name, "your-org/repo");
  EXPECT_EQ(starter_identity(std::nullopt, "").name, "your-org/repo");
}

// The written file must pass validation as written, with no warning, for both kinds of identity.
TEST(StarterConfig, ValidWithoutWarnings) {
  for (const auto& id : {StarterIdentity{"o/r", false}, StarterIdentity{"your-org/x", true}}) {
    std::string text = starter_config(id);
    auto report = tako::config::validate_string("/tmp/tako.yml", text);
    ASSERT_FALSE(report.load_error) << *report.load_error;
    EXPECT_TRUE(report.errors.empty()) << report.errors.front().message;
    EXPECT_TRUE(report.warnings.empty()) << report.warnings.front().message;
    EXPECT_EQ(report.config.metadata_name, id.name);
    ASSERT_EQ(report.config.workflows.size(), 1u);
    EXPECT_EQ(report.config.workflows[0].name, "build");
    EXPECT_EQ(text.find("placeholder") != std::string::npos, id.placeholder);
  }
}
