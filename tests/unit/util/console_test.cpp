// util::console_write: direct writes, and the sink a live view installs.
#include "tako/util/console.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace tako::util {
namespace {

std::string drain(int fd) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  return out;
}

TEST(Console, WritesDirectlyOrThroughTheSink) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  console_write(fds[1], "plain\n");
  EXPECT_EQ(drain(fds[0]), "plain\n");

  std::vector<std::pair<int, std::string>> seen;
  set_console_sink([&seen](int fd, std::string_view text) { seen.emplace_back(fd, std::string(text)); });
  console_write(fds[1], "via sink\n");
  set_console_sink(nullptr);
  EXPECT_EQ(drain(fds[0]), "");  // the sink decides where the text goes
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::make_pair(fds[1], std::string("via sink\n")));

  console_write(fds[1], "after\n");  // removed: direct again
  EXPECT_EQ(drain(fds[0]), "after\n");
  EXPECT_EQ(seen.size(), 1u);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace tako::util
