// github.com origin URLs, compare URLs and redaction (REFERENCE.md §13.4).
#include <gtest/gtest.h>

#include "tako/pr/github_remote.h"

namespace tako::pr {
namespace {

std::string repo_of(const char* url) {
  auto r = github_repo_from_url(url);
  return r ? r->owner + "/" + r->repo : "<none>";
}

TEST(GithubRepoFromUrl, AcceptedForms) {
  EXPECT_EQ(repo_of("https://github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("https://github.com/o/r"), "o/r");
  EXPECT_EQ(repo_of("https://github.com/o/r/"), "o/r");
  EXPECT_EQ(repo_of("http://github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("https://GitHub.COM/Owner-1/my.repo_2"), "Owner-1/my.repo_2");
  EXPECT_EQ(repo_of("https://x-access-token:secret@github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("https://www.github.com/o/r"), "o/r");
  EXPECT_EQ(repo_of("git@github.com:o/r.git"), "o/r");
  EXPECT_EQ(repo_of("git@github.com:o/r"), "o/r");
  EXPECT_EQ(repo_of("github.com:o/r.git"), "o/r");
  EXPECT_EQ(repo_of("ssh://git@github.com/o/r"), "o/r");
  EXPECT_EQ(repo_of("ssh://git@github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("ssh://git@github.com:22/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("git+ssh://git@github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("git://github.com/o/r.git"), "o/r");
  EXPECT_EQ(repo_of("  https://github.com/o/r.git\n"), "o/r");
}

TEST(GithubRepoFromUrl, RejectedForms) {
  EXPECT_EQ(repo_of(""), "<none>");
  EXPECT_EQ(repo_of("file:///srv/git/o/r.git"), "<none>");
  EXPECT_EQ(repo_of("/srv/git/github.com/o/r.git"), "<none>");
  EXPECT_EQ(repo_of("https://gitlab.com/o/r.git"), "<none>");
  EXPECT_EQ(repo_of("https://github.com.evil.example/o/r.git"), "<none>");
  EXPECT_EQ(repo_of("https://notgithub.com/o/r.git"), "<none>");
  EXPECT_EQ(repo_of("https://github.com/o"), "<none>");
  EXPECT_EQ(repo_of("https://github.com"), "<none>");
  EXPECT_EQ(repo_of("https://github.com/o/r/tree/main"), "<none>");
  EXPECT_EQ(repo_of("https://github.com/o/r?x=1"), "<none>");
  EXPECT_EQ(repo_of("https://github.com/../r"), "<none>");
  EXPECT_EQ(repo_of("https://github.com:abc/o/r"), "<none>");
  EXPECT_EQ(repo_of("ftp://github.com/o/r"), "<none>");
  EXPECT_EQ(repo_of("git@gitlab.com:o/r.git"), "<none>");
  EXPECT_EQ(repo_of("git@github.com:o"), "<none>");
  EXPECT_EQ(repo_of("./github.com:o/r"), "<none>");
  EXPECT_EQ(repo_of("https://github.com//r"), "<none>");
}

TEST(CompareUrl, Format) {
  GithubRepo r{"o", "r"};
  EXPECT_EQ(compare_url(r, "main", "tako/exec-20240726-143022-a7b3c1d2"),
            "https://github.com/o/r/compare/main...tako/exec-20240726-143022-a7b3c1d2?expand=1");
  EXPECT_EQ(compare_url(r, "release-1.x", "fix#12+a%b"),
            "https://github.com/o/r/compare/release-1.x...fix%2312%2Ba%25b?expand=1");
  EXPECT_EQ(compare_url(r, "a_b~c", "\xC3\xA9"), "https://github.com/o/r/compare/a_b~c...%C3%A9?expand=1");
}

TEST(RedactUrl, HidesOnlyThePassword) {
  EXPECT_EQ(redact_url("https://x-access-token:abc@github.com/o/r.git"), "https://x-access-token:***@github.com/o/r.git");
  EXPECT_EQ(redact_url("https://user:p:w@host/x"), "https://user:***@host/x");
  EXPECT_EQ(redact_url("https://user@host/x"), "https://user@host/x");
  EXPECT_EQ(redact_url("ssh://git@host:22/x"), "ssh://git@host:22/x");
  EXPECT_EQ(redact_url("https://u:p@host"), "https://u:***@host");
  EXPECT_EQ(redact_url("file:///srv/git/o/r.git"), "file:///srv/git/o/r.git");
  EXPECT_EQ(redact_url("git@github.com:o/r.git"), "git@github.com:o/r.git");
}

}  // namespace
}  // namespace tako::pr
