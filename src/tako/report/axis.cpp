#include "tako/report/axis.h"

#include <chrono>
#include <cstdio>

#include "tako/util/go_duration.h"

namespace tako::report {

int64_t tick_step(int64_t span_us) {
  int64_t step = 1;
  for (int64_t decade = 1;; decade *= 10) {
    for (int64_t m : {1, 2, 5}) {
      step = m * decade;
      if (span_us / step < 6) return step;
    }
  }
}

std::string tick_label(int64_t at_us, int64_t step_us) {
  if (at_us == 0) return "0s";
  if (step_us % 1'000'000 == 0) {
    return util::format_go_duration(std::chrono::duration_cast<util::Nanos>(std::chrono::microseconds(at_us)));
  }
  if (step_us % 1'000 == 0 && at_us < 1'000'000) return std::to_string(at_us / 1'000) + "ms";
  if (step_us % 1'000 == 0) {  // 1.5s, 2.25s: exact to the millisecond, trailing zeros dropped
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(at_us) / 1e6);
    std::string text = buf;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return text + "s";
  }
  return std::to_string(at_us) + "µs";
}

}  // namespace tako::report
