#include "tako/proc/line_output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "tako/proc/interrupt.h"

namespace tako::proc {
namespace {

std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(LineOutput, PrefixedLinesFromThreadsNeverInterleave) {
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  std::string result;
  std::thread reader([&] { result = drain(p[0]); });
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      std::string name = "repo" + std::to_string(t) + " | ";
      for (int i = 0; i < 500; ++i) ASSERT_TRUE(write_line(p[1], name, std::string(100, static_cast<char>('a' + t))));
    });
  }
  for (auto& w : writers) w.join();
  ::close(p[1]);
  reader.join();
  ::close(p[0]);
  std::size_t lines = 0, pos = 0;
  while (pos < result.size()) {
    auto nl = result.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    std::string line = result.substr(pos, nl - pos);
    ASSERT_EQ(line.size(), 8u + 100u) << line;
    char c = line[8];
    EXPECT_EQ(line, "repo" + std::to_string(c - 'a') + " | " + std::string(100, c));
    ++lines;
    pos = nl + 1;
  }
  EXPECT_EQ(lines, 2000u);
}

TEST(LineOutput, BrokenPipeIsAnErrorNotASignal) {
  InterruptGuard guard;  // ignores SIGPIPE
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  ::close(p[0]);
  EXPECT_FALSE(write_line(p[1], "x | ", "y"));
  ::close(p[1]);
}

}  // namespace
}  // namespace tako::proc
