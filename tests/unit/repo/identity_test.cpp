#include "tako/repo/identity.h"

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using tako::repo::compute_identity;
using tako::repo::owner_repo_from_url;

TEST(Identity, NormalisesRemoteUrls) {
  EXPECT_EQ(owner_repo_from_url("https://github.com/o/r.git"), "o/r");
  EXPECT_EQ(owner_repo_from_url("https://github.com/o/r/"), "o/r");
  EXPECT_EQ(owner_repo_from_url("git@github.com:o/r.git"), "o/r");
  EXPECT_EQ(owner_repo_from_url("ssh://git@h/x/o/r"), "o/r");
  EXPECT_EQ(owner_repo_from_url("file:///srv/git/o/r.git"), "o/r");
  EXPECT_EQ(owner_repo_from_url("/srv/git/o/r.git"), "o/r");
  EXPECT_EQ(owner_repo_from_url("r"), std::nullopt);
}

TEST(Identity, PrecedenceCacheMetadataOriginDirname) {
  tako::util::TempDir dir("tako-id-test");
  const std::string cache = dir.path() + "/cache/repos";
  // (1) cache path wins over metadata.
  EXPECT_EQ(compute_identity(cache + "/own/rep/main", "x/y", cache), "own/rep");
  // (2) metadata owner/repo.
  ASSERT_TRUE(tako::util::make_dirs(dir.path() + "/w/.git").ok());
  ASSERT_TRUE(tako::util::write_file_atomic(dir.path() + "/w/.git/config",
                                            "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = "
                                            "git@example.com:acme/widget.git\n")
                  .ok());
  EXPECT_EQ(compute_identity(dir.path() + "/w", "o/n", cache), "o/n");
  // bare metadata name takes the owner from origin.
  EXPECT_EQ(compute_identity(dir.path() + "/w", "gadget", cache), "acme/gadget");
  // (3) origin.
  EXPECT_EQ(compute_identity(dir.path() + "/w", "", cache), "acme/widget");
  // (4) directory name; bare metadata without origin stays bare.
  ASSERT_TRUE(tako::util::make_dirs(dir.path() + "/plain").ok());
  EXPECT_EQ(compute_identity(dir.path() + "/plain", "", cache), "plain");
  EXPECT_EQ(compute_identity(dir.path() + "/plain", "solo", cache), "solo");
}
