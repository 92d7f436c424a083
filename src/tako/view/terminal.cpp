#include "tako/view/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include "tako/util/console.h"

namespace tako::view {

int terminal_width(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

int terminal_height(int fd) {
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0) return ws.ws_row;
  return 24;
}

LiveArea::LiveArea(int fd, std::chrono::milliseconds min_interval) : fd_(fd), min_interval_(min_interval) {}

LiveArea::~LiveArea() { clear(); }

std::string LiveArea::erase_sequence(size_t n) {
  if (n == 0) return "";
  // Each drawn line ends in '\n': the cursor is at the start of the line below the area.
  return "\r\x1b[" + std::to_string(n) + "A\x1b[J";
}

void LiveArea::redraw_locked() {
  std::string out = erase_sequence(drawn_);
  for (const std::string& l : frame_) out += l + "\n";
  util::write_fully(fd_, out);  // one write: the terminal never shows a half-erased frame
  drawn_ = frame_.size();
  last_draw_ = std::chrono::steady_clock::now();
}

void LiveArea::draw(std::vector<std::string> lines, bool force) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_ == frame_.size() && drawn_ > 0 && lines == frame_) return;
  frame_ = std::move(lines);
  if (!force && std::chrono::steady_clock::now() - last_draw_ < min_interval_) return;
  redraw_locked();
}

void LiveArea::print_above(int fd, std::string_view text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_ > 0) {
    util::write_fully(fd_, erase_sequence(drawn_));
    drawn_ = 0;
  }
  util::write_fully(fd, text);
  if (std::chrono::steady_clock::now() - last_draw_ >= min_interval_) redraw_locked();
}

void LiveArea::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  util::write_fully(fd_, erase_sequence(drawn_));
  drawn_ = 0;
  frame_.clear();
}

ScopedConsole::ScopedConsole(LiveArea& area) {
  util::set_console_sink([&area](int fd, std::string_view text) { area.print_above(fd, text); });
}

ScopedConsole::~ScopedConsole() { util::set_console_sink(nullptr); }

}  // namespace tako::view
