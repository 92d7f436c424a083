#include "tako/util/git_dir.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using tako::util::find_git_dir;

namespace {

std::string real(const std::string& p) { return std::filesystem::canonical(p).string(); }

void mkdirs(const std::string& p) { ASSERT_TRUE(tako::util::make_dirs(p)); }
void put(const std::string& p, const std::string& text) { ASSERT_TRUE(tako::util::write_file_atomic(p, text)); }

}  // namespace

TEST(GitDir, DotGitDirectoryOfTheCheckoutOrAnAncestor) {
  tako::util::TempDir tmp("tako-gitdir");
  const std::string root = real(tmp.path());
  mkdirs(root + "/repo/.git");
  put(root + "/repo/.git/HEAD", "ref: refs/heads/main\n");
  mkdirs(root + "/repo/sub/dir");
  EXPECT_EQ(find_git_dir(root + "/repo"), root + "/repo/.git");
  EXPECT_EQ(find_git_dir(root + "/repo/sub/dir"), root + "/repo/.git");
}

TEST(GitDir, GitdirFileRelativeOrAbsolute) {
  tako::util::TempDir tmp("tako-gitdir");
  const std::string root = real(tmp.path());
  mkdirs(root + "/main/.git/worktrees/wt");
  put(root + "/main/.git/HEAD", "ref: refs/heads/main\n");
  mkdirs(root + "/wt");
  put(root + "/wt/.git", "gitdir: " + root + "/main/.git/worktrees/wt\n");
  EXPECT_EQ(find_git_dir(root + "/wt"), root + "/main/.git/worktrees/wt");
  mkdirs(root + "/main/mod");
  put(root + "/main/mod/.git", "gitdir: ../.git/worktrees/wt");
  EXPECT_EQ(find_git_dir(root + "/main/mod"), root + "/main/.git/worktrees/wt");
}

TEST(GitDir, NotAGitCheckout) {
  tako::util::TempDir tmp("tako-gitdir");
  const std::string root = real(tmp.path());
  EXPECT_EQ(find_git_dir(root), std::nullopt);
  mkdirs(root + "/nohead/.git");  // a .git directory without HEAD is no repository
  EXPECT_EQ(find_git_dir(root + "/nohead"), std::nullopt);
  mkdirs(root + "/bad");
  put(root + "/bad/.git", "not a gitdir line\n");
  EXPECT_EQ(find_git_dir(root + "/bad"), std::nullopt);
  mkdirs(root + "/dangling");
  put(root + "/dangling/.git", "gitdir: /nonexistent/tako/gitdir\n");
  EXPECT_EQ(find_git_dir(root + "/dangling"), std::nullopt);
}
