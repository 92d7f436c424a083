#include "tako/engine/dir_pool.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using tako::engine::DirPool;

namespace {

struct stat stat_of(const std::string& p) {
  struct stat st {};
  EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
  return st;
}

bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace

TEST(DirPool, MakesScratchDirWithEmptyOutputAndExactMode) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string dir = tmp.path() + "/ws/tmp/build";
  ASSERT_TRUE(pool.make_scratch(dir, 0777).ok());
  EXPECT_EQ(stat_of(dir).st_mode & 07777, 0777u);        // not filtered by the umask
  EXPECT_EQ(stat_of(tmp.path() + "/ws").st_mode & 0777, 0700u);  // parents are private
  EXPECT_TRUE(S_ISREG(stat_of(dir + "/output").st_mode));
  EXPECT_EQ(stat_of(dir + "/output").st_size, 0);
}

TEST(DirPool, ReusesAPristineDirOfAFinishedStep) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string a = tmp.path() + "/tmp/a", b = tmp.path() + "/tmp/b";
  ASSERT_TRUE(pool.make_scratch(a, 0777).ok());
  ino_t ino = stat_of(a).st_ino;
  ::chmod(a.c_str(), 0700);
  pool.retire(a);
  ASSERT_TRUE(pool.make_scratch(b, 0777).ok());
  EXPECT_FALSE(exists(a));
  EXPECT_EQ(stat_of(b).st_ino, ino);  // renamed, not created
  EXPECT_EQ(stat_of(b).st_mode & 07777, 0777u);
  EXPECT_EQ(stat_of(b + "/output").st_size, 0);
}

TEST(DirPool, KeepsDirsThatHoldAnything) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string a = tmp.path() + "/tmp/a", b = tmp.path() + "/tmp/b", c = tmp.path() + "/tmp/c";
  ASSERT_TRUE(pool.make_scratch(a, 0777).ok());
  std::ofstream(a + "/output") << "x=1\n";  // the step wrote an output
  pool.retire(a);
  ASSERT_TRUE(pool.make_scratch(b, 0777).ok());
  std::ofstream(b + "/scratch.txt") << "data";  // the step left a file
  pool.retire(b);
  ASSERT_TRUE(pool.make_scratch(c, 0777).ok());
  EXPECT_TRUE(exists(a + "/output"));
  EXPECT_TRUE(exists(b + "/scratch.txt"));
  EXPECT_NE(stat_of(c).st_ino, stat_of(a).st_ino);
  EXPECT_NE(stat_of(c).st_ino, stat_of(b).st_ino);
}

TEST(DirPool, ExistingDirKeepsFilesButEmptiesOutput) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string a = tmp.path() + "/tmp/a";
  ASSERT_TRUE(pool.make_scratch(a, 0777).ok());
  std::ofstream(a + "/output") << "stale=1\n";
  std::ofstream(a + "/keep") << "k";
  ASSERT_TRUE(pool.make_scratch(a, 0777).ok());  // a step re-run on resume
  EXPECT_EQ(stat_of(a + "/output").st_size, 0);
  EXPECT_TRUE(exists(a + "/keep"));
}

TEST(DirPool, VanishedSpareFallsBackToMkdir) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string a = tmp.path() + "/tmp/a", b = tmp.path() + "/tmp/b";
  ASSERT_TRUE(pool.make_scratch(a, 0777).ok());
  pool.retire(a);
  std::filesystem::remove_all(a);
  ASSERT_TRUE(pool.make_scratch(b, 0777).ok());
  EXPECT_TRUE(exists(b + "/output"));
}

TEST(DirPool, ErrorNamesThePath) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string file = tmp.path() + "/file";
  std::ofstream(file) << "x";
  auto st = pool.make_scratch(file, 0777);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message, "mkdir " + file + ": not a directory");
  auto under = pool.make_scratch(file + "/sub", 0777);
  ASSERT_FALSE(under.ok());
  EXPECT_NE(under.error().message.find(file), std::string::npos) << under.error().message;
}

// A completed child's workspace holding only pristine scratch dirs becomes the next child's
// workspace (renamed, no inode allocated), its scratch dir renamed to the new step's id.
TEST(DirPool, ReusesAPristineWorkspaceForTheNextRun) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string w1 = tmp.path() + "/root/children/run-1", w2 = tmp.path() + "/root/children/run-2";
  ASSERT_TRUE(pool.make_scratch(w1 + "/tmp/build", 0777).ok());
  const ino_t ws_ino = stat_of(w1).st_ino, scratch_ino = stat_of(w1 + "/tmp/build").st_ino;
  pool.retire(w1 + "/tmp/build");
  pool.retire_workspace(w1);
  ASSERT_TRUE(pool.make_scratch(w2 + "/tmp/deploy", 0777).ok());
  EXPECT_FALSE(exists(w1));
  EXPECT_EQ(stat_of(w2).st_ino, ws_ino);
  EXPECT_EQ(stat_of(w2 + "/tmp/deploy").st_ino, scratch_ino);
  EXPECT_FALSE(exists(w2 + "/tmp/build"));
  EXPECT_EQ(stat_of(w2 + "/tmp/deploy").st_mode & 07777, 0777u);
  EXPECT_EQ(stat_of(w2 + "/tmp/deploy/output").st_size, 0);
  // Its scratch dir travelled with it: it is not also a loose spare somewhere else.
  ASSERT_TRUE(pool.make_scratch(w2 + "/tmp/other", 0777).ok());
  EXPECT_TRUE(exists(w2 + "/tmp/deploy"));
}

TEST(DirPool, SameStepIdKeepsItsScratchDirAndExtrasBecomeSpares) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string w1 = tmp.path() + "/c/r1", w2 = tmp.path() + "/c/r2";
  ASSERT_TRUE(pool.make_scratch(w1 + "/tmp/a", 0777).ok());
  ASSERT_TRUE(pool.make_scratch(w1 + "/tmp/b", 0777).ok());
  const ino_t b_ino = stat_of(w1 + "/tmp/b").st_ino;
  pool.retire_workspace(w1);
  ASSERT_TRUE(pool.make_scratch(w2 + "/tmp/b", 0777).ok());
  EXPECT_EQ(stat_of(w2 + "/tmp/b").st_ino, b_ino);
  // `a` came along unused: it serves the next scratch dir made anywhere.
  const ino_t a_ino = stat_of(w2 + "/tmp/a").st_ino;
  ASSERT_TRUE(pool.make_scratch(tmp.path() + "/elsewhere/tmp/x", 0777).ok());
  EXPECT_EQ(stat_of(tmp.path() + "/elsewhere/tmp/x").st_ino, a_ino);
  EXPECT_FALSE(exists(w2 + "/tmp/a"));
}

TEST(DirPool, KeepsWorkspacesThatHoldAnything) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string logs = tmp.path() + "/c/logs", used = tmp.path() + "/c/used", nested = tmp.path() + "/c/nested";
  ASSERT_TRUE(pool.make_scratch(logs + "/tmp/s", 0777).ok());
  ASSERT_TRUE(tako::util::make_dirs(logs + "/logs", 0700).ok());  // a step wrote a log
  ASSERT_TRUE(pool.make_scratch(used + "/tmp/s", 0777).ok());
  std::ofstream(used + "/tmp/s/output") << "x=1\n";  // an output
  ASSERT_TRUE(pool.make_scratch(nested + "/tmp/s", 0777).ok());
  ASSERT_TRUE(tako::util::make_dirs(nested + "/children/r9", 0700).ok());  // its own children
  for (const auto& w : {logs, used, nested}) pool.retire_workspace(w);
  pool.retire_workspace(tmp.path() + "/c/missing");
  const std::string fresh = tmp.path() + "/c/fresh";
  ASSERT_TRUE(pool.make_scratch(fresh + "/tmp/s", 0777).ok());
  for (const auto& w : {logs, used, nested}) {
    EXPECT_TRUE(exists(w + "/tmp/s")) << w;
    EXPECT_NE(stat_of(fresh).st_ino, stat_of(w).st_ino) << w;
  }
  EXPECT_EQ(stat_of(used + "/tmp/s/output").st_size, 4);
}

TEST(DirPool, ExistingWorkspaceIsNotReplaced) {
  tako::util::TempDir tmp("tako-pool");
  DirPool pool;
  const std::string w1 = tmp.path() + "/c/r1", w2 = tmp.path() + "/c/r2";
  ASSERT_TRUE(pool.make_scratch(w1 + "/tmp/a", 0777).ok());
  pool.retire_workspace(w1);
  ASSERT_TRUE(tako::util::make_dirs(w2 + "/logs", 0700).ok());  // a resumed run's workspace
  const ino_t w2_ino = stat_of(w2).st_ino;
  ASSERT_TRUE(pool.make_scratch(w2 + "/tmp/a", 0777).ok());
  EXPECT_EQ(stat_of(w2).st_ino, w2_ino);
  EXPECT_TRUE(exists(w2 + "/logs"));
}
