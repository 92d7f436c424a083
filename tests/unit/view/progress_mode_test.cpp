// --progress auto|tty|plain and when the live view is drawn.
#include "tako/view/progress_mode.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace tako::view {
namespace {

// Sets TERM for one test and restores it.
struct TermVar {
  std::optional<std::string> saved;
  explicit TermVar(const char* value) {
    if (const char* t = std::getenv("TERM")) saved = t;
    ::setenv("TERM", value, 1);
  }
  ~TermVar() {
    if (saved) ::setenv("TERM", saved->c_str(), 1);
    else ::unsetenv("TERM");
  }
};

TEST(ViewProgressMode, Parse) {
  EXPECT_EQ(parse_progress_mode("auto"), ProgressMode::Auto);
  EXPECT_EQ(parse_progress_mode("tty"), ProgressMode::Tty);
  EXPECT_EQ(parse_progress_mode("plain"), ProgressMode::Plain);
  EXPECT_EQ(parse_progress_mode("TTY"), std::nullopt);
  EXPECT_EQ(parse_progress_mode(""), std::nullopt);
}

TEST(ViewProgressMode, AutoNeedsATerminalThatIsNotDumb) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  TermVar term("xterm");
  EXPECT_FALSE(live_enabled(ProgressMode::Auto, fds[1]));  // a pipe is not a terminal
  EXPECT_TRUE(live_enabled(ProgressMode::Tty, fds[1]));    // forced
  EXPECT_FALSE(live_enabled(ProgressMode::Plain, fds[1]));
  int tty = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (tty >= 0) {  // a pseudo-terminal master is a terminal
    EXPECT_TRUE(live_enabled(ProgressMode::Auto, tty));
    TermVar dumb("dumb");
    EXPECT_FALSE(live_enabled(ProgressMode::Auto, tty));
    EXPECT_TRUE(live_enabled(ProgressMode::Tty, tty));
    ::close(tty);
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace tako::view
