// Lines tako prints while a live terminal view (src/tako/view/) is drawn at the bottom of the
// terminal. The view installs a sink that moves them above its area: a line written behind
// the view's back would be erased by its next redraw, and the view must never hide an error.
// Without a sink (the usual case) a text is written as it is, with one write(2).
#pragma once

#include <functional>
#include <string_view>

namespace tako::util {

using ConsoleSink = std::function<void(int fd, std::string_view text)>;

// Installs (or, with an empty function, removes) the process's sink.
void set_console_sink(ConsoleSink sink);

// Writes `text` (whole lines, each ending in '\n') to `fd`, through the sink when one is set.
// Short writes and EINTR are retried; errors are ignored (a closed terminal must not fail a run).
void console_write(int fd, std::string_view text);

// The direct write console_write falls back to (for sinks themselves).
void write_fully(int fd, std::string_view text);

}  // namespace tako::util
