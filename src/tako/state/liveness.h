// Run liveness (REFERENCE.md §11.5) and the status shown by `tako status`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tako/state/document.h"

namespace tako::state {

// The local host name (gethostname), "" when unavailable.
std::string local_hostname();

// kill(pid, 0) succeeds or fails with EPERM. pid <= 0 or beyond pid_t: false.
bool process_exists(std::int64_t pid);

// Whether the process that owns the tree of `doc` is still executing it:
// false when the run lock <home>/locks/run-<root id>.lock is free, or when the
// recorded hostname is this host and the recorded pid no longer exists.
bool owner_alive(const StateDocument& doc, const std::string& home);

// True when some run in the tree is recorded `running` (only then is liveness
// worth probing).
bool has_running_run(const StateDocument& doc);

enum class DisplayStatus { Pending, Running, Completed, Failed, TimedOut, Cancelled, Interrupted };

// A run recorded `running` in a tree whose owner is gone is Interrupted.
DisplayStatus display_status(const RunNode& run, bool owner_is_alive);
std::string_view to_string(DisplayStatus s);  // lowercase: "interrupted", "timed_out", ...
std::string to_upper(DisplayStatus s);        // "INTERRUPTED", "TIMED_OUT", ...

}  // namespace tako::state
