#include "tako/util/fs.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

using namespace tako::util;

TEST(Fs, AtomicWriteAndRead) {
  TempDir dir("tako-fs-test");
  std::string p = dir.path() + "/a/b";
  ASSERT_TRUE(make_dirs(p).ok());
  struct stat st {};
  ASSERT_EQ(::stat(p.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_TRUE(write_file_atomic(p + "/f.txt", "hello").ok());
  auto r = read_file(p + "/f.txt");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "hello");
  ASSERT_EQ(::stat((p + "/f.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Fs, ReadErrorsAreGoStyle) {
  auto r = read_file("/definitely/missing");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "open /definitely/missing: no such file or directory");
}

TEST(Fs, TempDirRemovedOnDestruction) {
  std::string path;
  {
    TempDir dir("tako-fs-test");
    path = dir.path();
    ASSERT_TRUE(write_file_atomic(path + "/x", "1").ok());
  }
  struct stat st {};
  EXPECT_NE(::stat(path.c_str(), &st), 0);
}
