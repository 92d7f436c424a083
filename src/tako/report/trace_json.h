// Chrome Trace Event JSON of a timeline (`tako status <run-id> --trace FILE`, docs/REPORT.md): the
// JSON object form {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}, loaded by
// Perfetto and chrome://tracing.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tako/report/timeline.h"

namespace tako::report {

// One process (pid 1) for the tree. Threads: tid 1..slot_count are the concurrency slots ("slot
// <n>"), each holding complete events (ph "X") for its runs with their steps nested inside;
// tid slot_count+1.. are the wait tracks ("waits <n>") holding one slice per queue, lock or parent
// wait. ts/dur are integer microseconds since the tree's first recorded moment (otherData.origin).
nlohmann::json trace_events(const Timeline& t);

// trace_events as text, compact, final newline; invalid UTF-8 replaced.
std::string render_trace(const Timeline& t);

}  // namespace tako::report
