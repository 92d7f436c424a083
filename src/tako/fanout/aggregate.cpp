#include "tako/fanout/aggregate.h"

#include <algorithm>

#include "tako/util/strings.h"

namespace tako::fanout {

std::string aggregate_error(int selected, std::vector<ChildFailure> failures,
                            const std::vector<std::string>& evaluation_errors) {
  std::stable_sort(failures.begin(), failures.end(), [](const ChildFailure& a, const ChildFailure& b) {
    std::string ka = util::to_lower(a.repository), kb = util::to_lower(b.repository);
    if (ka != kb) return ka < kb;
    return a.workflow < b.workflow;
  });
  std::vector<std::string> items;
  for (const auto& f : failures) items.push_back(f.text);
  for (const auto& e : evaluation_errors) items.push_back(e);
  return "fan-out failed: " + std::to_string(failures.size()) + " of " +
         std::to_string(selected) + " child workflows failed: " + util::join(items, "; ");
}

}  // namespace tako::fanout
