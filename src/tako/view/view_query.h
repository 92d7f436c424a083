// The live view's own read of a tree: only the columns it draws (no JSON parsed, no events or
// fan-outs), in one read transaction. `store::load_tree` builds the whole §11.1 document and
// costs several times more; the view reads 10 times a second (docs/CLI.md "Live view").
#pragma once

#include <cstdint>
#include <string>

#include "tako/store/db.h"
#include "tako/util/result.h"
#include "tako/view/snapshot.h"

namespace tako::view {

struct ViewRead {
  Snapshot snapshot;  // owner_alive left true; steps' last lines not read yet (log_path is set)
  int64_t pid = 0;    // the root's owner stamp (liveness, §11.5)
  std::string hostname;
};

// Unknown id (or a child run's id): `run '<id>' not found`.
Result<ViewRead> read_view(store::Db& db, const std::string& run_id);

}  // namespace tako::view
