#include "tako/engine/step_log.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using tako::engine::StepLog;

namespace {
std::string slurp(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
bool exists(const std::string& p) {
  struct stat st {};
  return ::lstat(p.c_str(), &st) == 0;
}
}  // namespace

TEST(StepLog, CreatedAtTheFirstLineWithItsDirectory) {
  tako::util::TempDir tmp("tako-log");
  const std::string path = tmp.path() + "/ws/logs/build.log";
  {
    StepLog silent(path);
  }
  EXPECT_FALSE(exists(path));  // a silent step leaves no file
  StepLog log(path);
  log.write_line("one");
  log.write_line("two");
  EXPECT_EQ(slurp(path), "one\ntwo\n");
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(StepLog, EmptiesTheLogOfAnEarlierAttempt) {
  tako::util::TempDir tmp("tako-log");
  const std::string path = tmp.path() + "/s.log";
  std::ofstream(path) << "from the interrupted attempt\n";
  StepLog log(path);
  EXPECT_EQ(slurp(path), "");
  log.write_line("again");
  EXPECT_EQ(slurp(path), "again\n");
}

TEST(StepLog, ConcurrentLinesStayWhole) {
  tako::util::TempDir tmp("tako-log");
  const std::string path = tmp.path() + "/s.log";
  StepLog log(path);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&log, t] {
      for (int i = 0; i < 200; ++i) log.write_line(std::string(100, static_cast<char>('a' + t)));
    });
  }
  for (auto& th : threads) th.join();
  std::istringstream in(slurp(path));
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    ASSERT_EQ(line.size(), 100u);
    EXPECT_EQ(line.find_first_not_of(line[0]), std::string::npos);
  }
  EXPECT_EQ(n, 800);
}
