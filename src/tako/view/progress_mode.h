// `--progress auto|tty|plain` (docs/CLI.md "Live view"): whether a command draws its live view.
#pragma once

#include <optional>
#include <string_view>

namespace tako::view {

enum class ProgressMode { Auto, Tty, Plain };

// nullopt for any other text.
std::optional<ProgressMode> parse_progress_mode(std::string_view text);
// The usage error of a bad value.
const char* progress_mode_choices();  // "auto, tty, plain"

// Tty: always; Plain: never; Auto: when `fd` is a terminal and TERM is not "dumb".
bool live_enabled(ProgressMode mode, int fd);

}  // namespace tako::view
