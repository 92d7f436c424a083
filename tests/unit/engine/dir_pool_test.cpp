#include "tako/engine/dir_pool.h"

#include <sys/stat.h>
#include <unistd.h>

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
