#include "tako/report/slots.h"

#include <algorithm>
#include <numeric>

namespace tako::report {

std::vector<int> assign_tracks(const std::vector<Interval>& intervals) {
  std::vector<size_t> order(intervals.size());
  std::iota(order.begin(), order.end(), size_t{0});
  auto end_of = [&](size_t i) { return std::max(intervals[i].start, intervals[i].end); };
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (intervals[a].start != intervals[b].start) return intervals[a].start < intervals[b].start;
    if (end_of(a) != end_of(b)) return end_of(a) < end_of(b);
    return a < b;
  });
  std::vector<int> tracks(intervals.size(), 0);
  std::vector<int64_t> busy_until;  // per track: the end of its last interval
  for (size_t i : order) {
    // Linear in the number of tracks: trees have at most a few hundred runs at once.
    size_t t = 0;
    while (t < busy_until.size() && busy_until[t] > intervals[i].start) ++t;
    if (t == busy_until.size()) busy_until.push_back(0);
    busy_until[t] = end_of(i);
    tracks[i] = static_cast<int>(t);
  }
  return tracks;
}

int track_count(const std::vector<int>& tracks) {
  int n = 0;
  for (int t : tracks) n = std::max(n, t + 1);
  return n;
}

}  // namespace tako::report
