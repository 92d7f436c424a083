#include "tako/view/progress_mode.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace tako::view {

std::optional<ProgressMode> parse_progress_mode(std::string_view text) {
  if (text == "auto") return ProgressMode::Auto;
  if (text == "tty") return ProgressMode::Tty;
  if (text == "plain") return ProgressMode::Plain;
  return std::nullopt;
}

const char* progress_mode_choices() { return "auto, tty, plain"; }

bool live_enabled(ProgressMode mode, int fd) {
  switch (mode) {
    case ProgressMode::Tty: return true;
    case ProgressMode::Plain: return false;
    case ProgressMode::Auto: break;
  }
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(fd) == 1;
}

}  // namespace tako::view
