// archive_logs / remove_workspace: the logs/ trees of a workspace move with their layout.
#include "tako/engine/log_archive.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

namespace tako::engine {
namespace {

namespace fs = std::filesystem;

void write(const std::string& path, const std::string& text) {
  ASSERT_TRUE(util::make_dirs(fs::path(path).parent_path().string()).ok());
  ASSERT_TRUE(util::write_file_atomic(path, text).ok());
}

std::string read(const std::string& path) {
  auto r = util::read_file(path);
  return r ? *r : "<missing>";
}

TEST(LogArchive, MovesRootAndNestedChildLogsWithTheirLayout) {
  util::TempDir home("tako-log-archive");
  const std::string ws = home.path() + "/workspaces/exec-r";
  write(ws + "/logs/build.log", "root build\n");
  write(ws + "/tmp/build/output", "x=1\n");
  write(ws + "/children/exec-c/logs/test.log", "child test\n");
  write(ws + "/children/exec-c/children/exec-g/logs/deep.log", "grandchild\n");
  ASSERT_TRUE(util::make_dirs(ws + "/children/exec-silent/tmp").ok());

  const std::string dest = log_archive_dir(home.path(), "exec-r");
  EXPECT_EQ(dest, home.path() + "/logs/exec-r");
  auto s = remove_workspace(ws, dest);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_FALSE(fs::exists(ws));
  EXPECT_EQ(read(dest + "/logs/build.log"), "root build\n");
  EXPECT_EQ(read(dest + "/children/exec-c/logs/test.log"), "child test\n");
  EXPECT_EQ(read(dest + "/children/exec-c/children/exec-g/logs/deep.log"), "grandchild\n");
  EXPECT_FALSE(fs::exists(dest + "/tmp"));  // only logs move
  EXPECT_FALSE(fs::exists(dest + "/children/exec-silent"));
}

TEST(LogArchive, MergesIntoAnEarlierArchiveNewerFileWins) {
  util::TempDir home("tako-log-archive");
  const std::string ws = home.path() + "/workspaces/exec-r";
  const std::string dest = log_archive_dir(home.path(), "exec-r");
  write(dest + "/logs/a.log", "first attempt of a\n");
  write(dest + "/logs/kept.log", "completed before the resume\n");
  write(ws + "/logs/a.log", "second attempt of a\n");
  auto s = archive_logs(ws, dest);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_EQ(read(dest + "/logs/a.log"), "second attempt of a\n");
  EXPECT_EQ(read(dest + "/logs/kept.log"), "completed before the resume\n");
}

TEST(LogArchive, AWorkspaceWhoseLogsCannotMoveIsKept) {
  util::TempDir home("tako-log-archive");
  const std::string ws = home.path() + "/workspaces/exec-r";
  write(ws + "/logs/build.log", "root build\n");
  write(ws + "/children/exec-c/logs/test.log", "child test\n");
  // <home>/logs is a file: no directory can be made below it (whoever runs the test, root included).
  write(home.path() + "/logs", "in the way");
  auto s = remove_workspace(ws, log_archive_dir(home.path(), "exec-r"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find(home.path() + "/logs"), std::string::npos) << s.error().message;
  EXPECT_EQ(read(ws + "/logs/build.log"), "root build\n");
  EXPECT_EQ(read(ws + "/children/exec-c/logs/test.log"), "child test\n");
}

TEST(LogArchive, TreeBytesCountsRegularFiles) {
  util::TempDir dir("tako-log-archive");
  write(dir.path() + "/a", "12345");
  write(dir.path() + "/sub/b", "123");
  EXPECT_EQ(tree_bytes(dir.path()), 8u);
  EXPECT_EQ(tree_bytes(dir.path() + "/a"), 5u);
  EXPECT_EQ(tree_bytes(dir.path() + "/missing"), 0u);
}

}  // namespace
}  // namespace tako::engine
