#include "tako/view/snapshot.h"

namespace tako::view {

bool tree_active(const Snapshot& s) {
  const RunView& r = s.root;
  if (!s.owner_alive || r.interrupted) return false;
  return r.status == state::RunStatus::Pending || r.status == state::RunStatus::Running;
}

namespace {
void count(const RunView& run, RunCounts& c) {
  ++c.total;
  switch (run.status) {
    case state::RunStatus::Running:
      if (!run.interrupted) ++c.running;
      break;
    case state::RunStatus::Pending: ++c.pending; break;
    case state::RunStatus::Completed: ++c.completed; break;
    default: ++c.failed; break;  // failed, timed out, cancelled
  }
  for (const RunView& child : run.children) count(child, c);
}
}  // namespace

RunCounts count_runs(const RunView& root) {
  RunCounts c;
  count(root, c);
  return c;
}

}  // namespace tako::view
