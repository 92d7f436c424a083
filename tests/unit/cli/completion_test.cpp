#include "tako/cli/completion.h"

#include <gtest/gtest.h>

#include "tako/cli/commands.h"

using namespace tako::cli;

TEST(Completion, UnknownShell) { EXPECT_FALSE(completion_script("tcsh")); }

TEST(Completion, EveryVisibleCommandAndFlagInEveryShell) {
  for (const char* shell : {"bash", "zsh", "fish"}) {
    auto script = completion_script(shell);
    ASSERT_TRUE(script) << shell;
    for (const auto& c : command_table()) {
      const std::string word = c.path.substr(c.path.rfind(' ') == std::string::npos ? 0 : c.path.rfind(' ') + 1);
      if (c.hidden) {
        // Offered nowhere as a command word; only called by the scripts themselves.
        EXPECT_EQ(script->find(" " + c.path + " -"), std::string::npos) << shell << " " << c.path;
        continue;
      }
      EXPECT_NE(script->find(word), std::string::npos) << shell << " " << c.path;
      for (const auto& f : c.flags) {
        const std::string form = std::string(shell) == "fish" ? "-l " + f.name : "--" + f.name;
        EXPECT_NE(script->find(form), std::string::npos) << shell << " " << c.path << " " << f.name;
      }
    }
    EXPECT_NE(script->find("__complete"), std::string::npos) << shell;
  }
}

TEST(Completion, ValueSources) {
  EXPECT_EQ(argument_values("exec")->words, "workflows");
  EXPECT_EQ(argument_values("status")->words, "runs");
  EXPECT_EQ(argument_values("report")->words, "runs");
  EXPECT_EQ(flag_values("trace")->kind, ValueSource::Kind::Files);
  EXPECT_EQ(flag_values("output")->kind, ValueSource::Kind::Files);
  EXPECT_EQ(argument_values("completion")->words, "bash zsh fish");
  EXPECT_FALSE(argument_values("graph"));
  EXPECT_EQ(flag_values("resume")->words, "runs");
  EXPECT_EQ(flag_values("repo")->words, "repos");
  EXPECT_TRUE(flag_values("only")->list);
  EXPECT_TRUE(flag_values("ignore")->list);
  EXPECT_EQ(flag_values("root")->kind, ValueSource::Kind::Dirs);
  EXPECT_EQ(flag_values("data")->kind, ValueSource::Kind::Files);
  EXPECT_EQ(flag_values("format")->words, "tree dot json mermaid");
  EXPECT_FALSE(flag_values("jobs"));
  // Every flag with a fixed set of values offers exactly the values the command accepts.
  EXPECT_EQ(flag_values("isolation")->words, "shared worktree");
  EXPECT_EQ(flag_values("container-runtime")->words, "auto docker podman");
  EXPECT_EQ(flag_values("executor")->words, "local slurm");
  EXPECT_EQ(flag_values("missingkey")->words, "empty default zero error");
}
