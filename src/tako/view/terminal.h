// A block of lines drawn at the bottom of a terminal and redrawn in place (docs/CLI.md "Live
// view"): the previous frame is erased by moving the cursor up over it and clearing to the end
// of the screen, so nothing but cursor movement and erase sequences are used (also under
// NO_COLOR). Text printed while the area is shown goes above it (print_above) and stays in the
// scrollback. Thread-safe: the drawing thread and the threads that print lines share it.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tako::view {

// The terminal's size (TIOCGWINSZ), 80 columns and 24 rows when unknown.
int terminal_width(int fd);
int terminal_height(int fd);

class LiveArea {
 public:
  // Redraws are rate-limited to one per `min_interval` (10 a second by default).
  explicit LiveArea(int fd, std::chrono::milliseconds min_interval = std::chrono::milliseconds(100));
  ~LiveArea();  // clears the area
  LiveArea(const LiveArea&) = delete;
  LiveArea& operator=(const LiveArea&) = delete;

  // Replaces the area with `lines` (each shorter than the terminal's width: a wrapped line
  // would break the erase). Skipped, and kept for later, when the last draw was too recent,
  // unless `force`; skipped when the same frame is on the screen.
  void draw(std::vector<std::string> lines, bool force = false);
  // Writes `text` (whole lines) on `fd` above the area: erases the area, writes, and redraws
  // it (or leaves it to the next draw when the last one was too recent).
  void print_above(int fd, std::string_view text);
  // Erases the area; it stays empty until the next draw.
  void clear();

  // The escape text that erases `n` lines drawn above the cursor ("" for 0).
  static std::string erase_sequence(size_t n);

 private:
  void redraw_locked();

  std::mutex mu_;
  int fd_;
  std::chrono::milliseconds min_interval_;
  std::vector<std::string> frame_;  // the latest frame (drawn or pending)
  size_t drawn_ = 0;                // lines of it on the screen now
  std::chrono::steady_clock::time_point last_draw_{};
};

// Routes the process's console lines (util/console.h) above `area` while in scope.
class ScopedConsole {
 public:
  explicit ScopedConsole(LiveArea& area);
  ~ScopedConsole();
  ScopedConsole(const ScopedConsole&) = delete;
  ScopedConsole& operator=(const ScopedConsole&) = delete;
};

}  // namespace tako::view
