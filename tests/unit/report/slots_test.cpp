#include "tako/report/slots.h"

#include <gtest/gtest.h>

namespace tako::report {
namespace {

// No two intervals of one track overlap (half-open).
void expect_disjoint(const std::vector<Interval>& in, const std::vector<int>& tracks) {
  ASSERT_EQ(in.size(), tracks.size());
  for (size_t i = 0; i < in.size(); ++i) {
    for (size_t j = i + 1; j < in.size(); ++j) {
      if (tracks[i] != tracks[j]) continue;
      const bool overlap = in[i].start < in[j].end && in[j].start < in[i].end;
      EXPECT_FALSE(overlap) << i << " and " << j << " share track " << tracks[i];
    }
  }
}

TEST(Slots, EmptyInput) {
  EXPECT_TRUE(assign_tracks({}).empty());
  EXPECT_EQ(track_count({}), 0);
}

TEST(Slots, SequentialIntervalsShareOneTrack) {
  // Touching ends: one finishes at 10, the next starts at 10 (a slot handed over).
  std::vector<Interval> in{{0, 10}, {10, 20}, {20, 30}};
  auto t = assign_tracks(in);
  EXPECT_EQ(t, (std::vector<int>{0, 0, 0}));
  EXPECT_EQ(track_count(t), 1);
}

TEST(Slots, TrackCountIsThePeakOverlap) {
  // A root spanning everything, three children with at most two at once.
  std::vector<Interval> in{{0, 100}, {5, 40}, {6, 30}, {35, 90}};
  auto t = assign_tracks(in);
  expect_disjoint(in, t);
  EXPECT_EQ(track_count(t), 3);
  EXPECT_EQ(t[0], 0);
  EXPECT_EQ(t[1], 1);
  EXPECT_EQ(t[2], 2);
  EXPECT_EQ(t[3], 2);  // the lowest free track: 2 freed at 30, 1 is busy until 40
}

TEST(Slots, LowestFreeTrackIsReused) {
  std::vector<Interval> in{{0, 10}, {0, 20}, {15, 30}};
  auto t = assign_tracks(in);
  EXPECT_EQ(t, (std::vector<int>{0, 1, 0}));
}

TEST(Slots, InputOrderDoesNotMatter) {
  std::vector<Interval> a{{0, 50}, {10, 20}, {20, 60}, {5, 7}};
  std::vector<Interval> b{a[2], a[0], a[3], a[1]};
  auto ta = assign_tracks(a);
  auto tb = assign_tracks(b);
  EXPECT_EQ(ta[0], tb[1]);
  EXPECT_EQ(ta[1], tb[3]);
  EXPECT_EQ(ta[2], tb[0]);
  EXPECT_EQ(ta[3], tb[2]);
}

TEST(Slots, ZeroLengthIntervalsNeverSitInsideAnother) {
  // A run that never started is a mark at one moment; it must not land on a busy track.
  std::vector<Interval> in{{0, 100}, {50, 50}, {100, 100}};
  auto t = assign_tracks(in);
  EXPECT_NE(t[1], t[0]);
  EXPECT_EQ(t[2], 0);  // at the end of the first: free again
  expect_disjoint(in, t);
}

TEST(Slots, ReversedIntervalIsEmptyAtItsStart) {
  std::vector<Interval> in{{10, 5}, {10, 20}};
  auto t = assign_tracks(in);
  EXPECT_EQ(t, (std::vector<int>{0, 0}));
}

TEST(Slots, ManyIntervalsStayDisjoint) {
  std::vector<Interval> in;
  // Deterministic pseudo-random intervals (a linear congruential sequence).
  uint64_t x = 12345;
  for (int i = 0; i < 300; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int64_t start = static_cast<int64_t>((x >> 33) % 1000);
    const int64_t len = static_cast<int64_t>((x >> 13) % 80);
    in.push_back({start, start + len});
  }
  auto t = assign_tracks(in);
  expect_disjoint(in, t);
  // Optimal: as many tracks as the largest overlap at any start point.
  int peak = 0;
  for (const Interval& p : in) {
    int n = 0;
    for (const Interval& q : in) n += (q.start <= p.start && p.start < q.end) || (&q == &p) ? 1 : 0;
    peak = std::max(peak, n);
  }
  EXPECT_EQ(track_count(t), peak);
}

}  // namespace
}  // namespace tako::report
