// Go time.Duration syntax (REFERENCE.md §15.2): parsing of flags/parameters and the
// formatting used by the exec summary.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "tako/util/result.h"

namespace tako::util {

using Nanos = std::chrono::nanoseconds;

// Parses "1h30m", "1.5s", "500ms", "0", ... Errors use Go's exact texts:
// `time: invalid duration "<s>"`, `time: missing unit in duration "<s>"`,
// `time: unknown unit "<u>" in duration "<s>"`.
Result<Nanos> parse_go_duration(std::string_view text);

// Go's Duration.String(): "0s", "408.037µs", "13.244772ms", "1m30s", "2h0m0s".
std::string format_go_duration(Nanos d);

// §11.6 rounding: >= 1s to whole seconds, else to milliseconds ("2m30s", "61ms").
std::string format_rounded_duration(Nanos d);

}  // namespace tako::util
