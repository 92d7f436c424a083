#include "tako/report/axis.h"

#include <gtest/gtest.h>

namespace tako::report {
namespace {

TEST(Axis, StepIsRoundAndGivesAtMostSixTicks) {
  EXPECT_EQ(tick_step(0), 1);
  EXPECT_EQ(tick_step(5), 1);
  EXPECT_EQ(tick_step(3'410'000), 1'000'000);  // 3.41 s: 0s 1s 2s 3s
  EXPECT_EQ(tick_step(6'000'000), 2'000'000);
  EXPECT_EQ(tick_step(2'900'000), 500'000);
  EXPECT_EQ(tick_step(900), 200);
  for (int64_t span : std::initializer_list<int64_t>{7, 99, 12'345, 999'999, 1'000'000, 86'400'000'000}) {
    const int64_t step = tick_step(span);
    EXPECT_LT(span / step, 6) << span;
    EXPECT_GE(span / step, 2) << span;  // not so coarse that the axis is empty
  }
}

TEST(Axis, LabelsAreExact) {
  EXPECT_EQ(tick_label(0, 500'000), "0s");
  EXPECT_EQ(tick_label(500'000, 500'000), "500ms");
  EXPECT_EQ(tick_label(1'500'000, 500'000), "1.5s");
  EXPECT_EQ(tick_label(2'000'000, 500'000), "2s");
  EXPECT_EQ(tick_label(2'250'000, 250'000), "2.25s");
  EXPECT_EQ(tick_label(3'000'000, 1'000'000), "3s");
  EXPECT_EQ(tick_label(120'000'000, 20'000'000), "2m0s");
  EXPECT_EQ(tick_label(400, 200), "400µs");
}

}  // namespace
}  // namespace tako::report
