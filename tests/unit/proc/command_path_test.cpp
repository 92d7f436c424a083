#include "tako/proc/command_path.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "tako/proc/supervisor.h"
#include "tako/util/fs.h"

namespace tako::proc {
namespace {

void write_script(const std::string& path, const std::string& body, mode_t mode = 0755) {
  std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
  ::chmod(path.c_str(), mode);
}

// Sets PATH for one test and restores it.
struct ScopedPath {
  std::string old;
  explicit ScopedPath(const std::string& value) : old(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() { ::setenv("PATH", old.c_str(), 1); }
};

TEST(CommandPath, FirstExecutableRegularFileInPathOrder) {
  util::TempDir t("tako-cmdpath");
  const std::string a = t.path() + "/a", b = t.path() + "/b", c = t.path() + "/c";
  for (const auto& d : {a, b, c}) ::mkdir(d.c_str(), 0755);
  write_script(a + "/tool", "echo a", 0644);  // not executable: skipped, as execvp does
  ::mkdir((b + "/tool").c_str(), 0755);       // a directory of that name: skipped
  write_script(c + "/tool", "echo c");
  EXPECT_EQ(search_path("tool", a + ":" + b + ":" + c), c + "/tool");
  EXPECT_EQ(search_path("tool", a + "/:" + c + "/"), c + "/tool");
  EXPECT_EQ(search_path("missing", a + ":" + c), std::nullopt);
}

TEST(CommandPath, LeavesRelativeEntriesAndPathsToTheFullSearch) {
  util::TempDir t("tako-cmdpath");
  write_script(t.path() + "/tool", "echo x");
  // Relative and empty entries depend on the child's working directory.
  EXPECT_EQ(search_path("tool", "bin:" + t.path()), std::nullopt);
  EXPECT_EQ(search_path("tool", ":" + t.path()), std::nullopt);
  EXPECT_EQ(search_path("tool", t.path() + "::/usr/bin"), t.path() + "/tool");  // found before the empty one
  EXPECT_EQ(search_path("./tool", t.path()), std::nullopt);
  EXPECT_EQ(search_path("", t.path()), std::nullopt);
}

TEST(CommandPath, RememberedUntilPathChanges) {
  util::TempDir t("tako-cmdpath");
  const std::string a = t.path() + "/a", b = t.path() + "/b";
  ::mkdir(a.c_str(), 0755);
  ::mkdir(b.c_str(), 0755);
  write_script(a + "/tako-cp-tool", "echo a");
  ScopedPath p(a + ":" + b + ":/usr/bin:/bin");
  EXPECT_EQ(command_path("tako-cp-tool"), a + "/tako-cp-tool");
  write_script(b + "/tako-cp-tool", "echo b");
  ::unlink((a + "/tako-cp-tool").c_str());
  EXPECT_EQ(command_path("tako-cp-tool"), a + "/tako-cp-tool") << "remembered, like a shell's hash";
  forget_command_path("tako-cp-tool");
  EXPECT_EQ(command_path("tako-cp-tool"), b + "/tako-cp-tool");
  ::setenv("PATH", (a + ":/usr/bin:/bin").c_str(), 1);
  EXPECT_EQ(command_path("tako-cp-tool"), std::nullopt) << "a new PATH is searched afresh";
}

TEST(CommandPath, SpawnFallsBackToTheFullSearchWhenTheRememberedFileIsGone) {
  util::TempDir t("tako-cmdpath");
  const std::string a = t.path() + "/a", b = t.path() + "/b";
  ::mkdir(a.c_str(), 0755);
  ::mkdir(b.c_str(), 0755);
  write_script(a + "/tako-cp-run", "echo from-a");
  ScopedPath p(a + ":" + b + ":/usr/bin:/bin");
  auto first = run_capture({.argv = {"tako-cp-run"}, .stdout_mode = Stdio::Pipe});
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->out, "from-a\n");
  ::unlink((a + "/tako-cp-run").c_str());
  write_script(b + "/tako-cp-run", "echo from-b");
  auto second = run_capture({.argv = {"tako-cp-run"}, .stdout_mode = Stdio::Pipe});
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_EQ(second->out, "from-b\n");
  ::unlink((b + "/tako-cp-run").c_str());
  auto gone = run_capture({.argv = {"tako-cp-run"}, .stdout_mode = Stdio::Pipe});
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message, "exec: \"tako-cp-run\": executable file not found in $PATH");
}

}  // namespace
}  // namespace tako::proc
