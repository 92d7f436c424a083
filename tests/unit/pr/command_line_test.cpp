// Command lines shown in step logs.
#include <gtest/gtest.h>

#include "tako/pr/command_line.h"

namespace tako::pr {
namespace {

TEST(ShellWord, PlainAndQuoted) {
  EXPECT_EQ(shell_word("origin"), "origin");
  EXPECT_EQ(shell_word("tako/exec-1_2.3@x%+=:,"), "tako/exec-1_2.3@x%+=:,");
  EXPECT_EQ(shell_word(""), "''");
  EXPECT_EQ(shell_word("Bump lib"), "'Bump lib'");
  EXPECT_EQ(shell_word("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_word("$HOME"), "'$HOME'");
  EXPECT_EQ(shell_word("a\nb"), "'a\nb'");
}

TEST(ShellLine, JoinsWords) {
  EXPECT_EQ(shell_line({"git", "commit", "-m", "Bump lib"}), "git commit -m 'Bump lib'");
  EXPECT_EQ(shell_line({}), "");
}

}  // namespace
}  // namespace tako::pr
