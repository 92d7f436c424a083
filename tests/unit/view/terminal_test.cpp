// The redraw helper, drawing into a pipe: erase sequences, rate limit, lines printed above.
#include "tako/view/terminal.h"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "tako/util/console.h"

namespace tako::view {
namespace {

struct Pipe {
  int fds[2]{-1, -1};
  Pipe() {
    EXPECT_EQ(::pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  }
  ~Pipe() {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  std::string drain() {
    std::string out;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fds[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
    return out;
  }
};

TEST(ViewLiveArea, DrawsErasesAndRedrawsInPlace) {
  Pipe p;
  LiveArea area(p.fds[1], std::chrono::milliseconds(0));
  area.draw({"a", "b"});
  EXPECT_EQ(p.drain(), "a\nb\n");
  area.draw({"c"});
  EXPECT_EQ(p.drain(), "\r\x1b[2A\x1b[Jc\n");
  area.draw({"c"});  // the same frame is on the screen: nothing written
  EXPECT_EQ(p.drain(), "");
  area.print_above(p.fds[1], "Error: boom\n");
  EXPECT_EQ(p.drain(), "\r\x1b[1A\x1b[JError: boom\nc\n");  // the line stays, the frame follows
  area.clear();
  EXPECT_EQ(p.drain(), "\r\x1b[1A\x1b[J");
  area.clear();
  EXPECT_EQ(p.drain(), "");
}

TEST(ViewLiveArea, RateLimitedDrawsKeepTheFrameForLater) {
  Pipe p;
  LiveArea area(p.fds[1], std::chrono::hours(1));
  area.draw({"one"}, true);
  EXPECT_EQ(p.drain(), "one\n");
  area.draw({"two"});  // too soon: kept, not drawn
  EXPECT_EQ(p.drain(), "");
  area.print_above(p.fds[1], "line\n");  // too soon to redraw: the frame waits
  EXPECT_EQ(p.drain(), "\r\x1b[1A\x1b[Jline\n");
  area.draw({"two"}, true);
  EXPECT_EQ(p.drain(), "two\n");  // nothing on the screen to erase
}

TEST(ViewLiveArea, ScopedConsoleRoutesLinesAboveTheArea) {
  Pipe p;
  LiveArea area(p.fds[1], std::chrono::milliseconds(0));
  area.draw({"frame"});
  {
    ScopedConsole console(area);
    util::console_write(p.fds[1], "warning: x\n");
  }
  EXPECT_EQ(p.drain(), "frame\n\r\x1b[1A\x1b[Jwarning: x\nframe\n");
  util::console_write(p.fds[1], "plain\n");  // the sink is gone
  EXPECT_EQ(p.drain(), "plain\n");
}

TEST(ViewLiveArea, EraseSequence) {
  EXPECT_EQ(LiveArea::erase_sequence(0), "");
  EXPECT_EQ(LiveArea::erase_sequence(3), "\r\x1b[3A\x1b[J");
}

}  // namespace
}  // namespace tako::view
