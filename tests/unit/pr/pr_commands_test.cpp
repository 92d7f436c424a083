// Argument lists of gh and git commit (REFERENCE.md §13.4).
#include <gtest/gtest.h>

#include "tako/pr/pr_commands.h"

namespace tako::pr {
namespace {

using V = std::vector<std::string>;

TEST(GhPrCreateArgs, WithAndWithoutDraft) {
  PullRequestRequest req{"Bump lib", "", "main", "tako/x", false};
  EXPECT_EQ(gh_pr_create_args(req),
            (V{"pr", "create", "--title", "Bump lib", "--body", "", "--base", "main", "--head", "tako/x"}));
  req.draft = true;
  req.body = "line 1\nline 2";
  req.title = "--draft";  // a value, never an option: it always follows its flag
  EXPECT_EQ(gh_pr_create_args(req), (V{"pr", "create", "--title", "--draft", "--body", "line 1\nline 2", "--base",
                                       "main", "--head", "tako/x", "--draft"}));
}

TEST(CommitArgs, FallbackIdentityOnlyForWhatIsMissing) {
  EXPECT_EQ(commit_args("msg", true, true), (V{"commit", "-m", "msg"}));
  EXPECT_EQ(commit_args("msg", false, false),
            (V{"-c", "user.name=tako", "-c", "user.email=tako@localhost", "commit", "-m", "msg"}));
  EXPECT_EQ(commit_args("-m x", false, true), (V{"-c", "user.name=tako", "commit", "-m", "-m x"}));
  EXPECT_EQ(commit_args("msg", true, false), (V{"-c", "user.email=tako@localhost", "commit", "-m", "msg"}));
}

}  // namespace
}  // namespace tako::pr
