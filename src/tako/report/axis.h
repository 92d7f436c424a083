// The time axis of the report's Gantt chart: ticks at round steps with exact labels.
#pragma once

#include <cstdint>
#include <string>

namespace tako::report {

// The step between ticks for a span of `span_us` µs: 1, 2 or 5 times a power of ten µs, the
// smallest that gives at most six ticks (0 included).
int64_t tick_step(int64_t span_us);

// The label of the tick at `at_us` with steps of `step_us`: "0s", "250ms", "1.5s", "2s", "1m0s"
// — exact, never rounded ("1.5s" is never shown as "2s").
std::string tick_label(int64_t at_us, int64_t step_us);

}  // namespace tako::report
