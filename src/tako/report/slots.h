// Greedy interval partitioning: the store records when each run started and ended, not which
// concurrency slot it held, so the tracks of a timeline are reconstructed from the intervals.
#pragma once

#include <cstdint>
#include <vector>

namespace tako::report {

// A half-open interval [start, end): one that ends at t and one that starts at t may share a track.
struct Interval {
  int64_t start = 0;
  int64_t end = 0;
};

// The track (0-based) of every interval, index for index, such that intervals on one track never
// overlap and the number of tracks is the largest number of intervals overlapping at one moment.
// Intervals are taken by start (then end, then index) and each goes to the lowest-numbered free
// track, so the result does not depend on the input order of equal intervals. An interval with
// end < start is treated as empty at `start`.
std::vector<int> assign_tracks(const std::vector<Interval>& intervals);

// 1 + the largest track in `tracks` (0 when empty).
int track_count(const std::vector<int>& tracks);

}  // namespace tako::report
