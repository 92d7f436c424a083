// The error of a failed fan-out step (REFERENCE.md §10.10).
#pragma once

#include <string>
#include <vector>

namespace tako::fanout {

struct ChildFailure {
  std::string repository;  // display identity
  std::string workflow;
  std::string text;        // "<repo>:<workflow>: <error>" (or cancelled / timed out / rejection)
};

// "fan-out failed: <f> of <n> child workflows failed: <item>; <item>; …" with
// child items sorted by (repository, workflow), evaluation errors after them.
// f counts the children that did not complete (evaluation errors are items but
// not children).
std::string aggregate_error(int selected, std::vector<ChildFailure> failures,
                            const std::vector<std::string>& evaluation_errors);

}  // namespace tako::fanout
