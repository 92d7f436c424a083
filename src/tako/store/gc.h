// Removing finished execution trees from the store (`tako gc`, REFERENCE.md §1.17).
// The one place where rows of the store, history included, are ever deleted.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::store {

struct DeletedTrees {
  std::vector<std::string> roots;  // the root run ids whose trees were deleted, in the order given
  int64_t runs = 0;                // runs deleted, roots and children
};

// Deletes, in ONE write transaction, the whole tree of every root run in `root_run_ids` whose
// root row is recorded finished (completed, failed, timed_out, cancelled): its runs, steps,
// events, fan-outs and history rows. An id that is unknown, a child run's, or a root that is
// pending or running (e.g. resumed since the caller looked) is skipped: the status is re-read
// under the write lock, so a tree that came back to life is never deleted. Nothing is deleted
// when any statement fails.
Result<DeletedTrees> delete_finished_trees(Db& db, const std::vector<std::string>& root_run_ids);

}  // namespace tako::store
