// Snapshots of one execution tree read from the store (docs/CLI.md "Live view"): `tako exec`'s
// live view and `tako status --watch` share this one code path. The reader has its own
// connection (WAL: it never waits for the tree's writer, and never writes) and reads the last
// line of each running step from the step's log file in the run's workspace.
#pragma once

#include <string>

#include "tako/state/document.h"
#include "tako/store/db.h"
#include "tako/util/result.h"
#include "tako/view/snapshot.h"

namespace tako::view {

// The model of a loaded tree. `owner_alive` false marks running runs interrupted (§11.5).
// Running steps get the last line of `<run workspace>/<step log>`.
Snapshot snapshot_from_document(const state::StateDocument& doc, bool owner_alive);

// The last non-empty line of a log file (text after the last '\r' of that line, as a terminal
// shows a progress bar), control characters replaced by spaces; "" when there is none. Reads
// at most the last 4 KiB: a step's log may be large.
std::string last_log_line(const std::string& path);

class SnapshotReader {
 public:
  // Errors: the store's unreadable texts; `run '<id>' not found` when there is no store yet
  // or no root run with that id.
  static Result<SnapshotReader> open(const std::string& home, const std::string& run_id);

  // One snapshot (one read transaction). `probe_owner`: check the owner's liveness (another
  // process watching); the tree's own tako knows it is alive.
  Result<Snapshot> read(bool probe_owner);

  const std::string& run_id() const { return run_id_; }

 private:
  SnapshotReader(store::Db db, std::string home, std::string run_id)
      : db_(std::move(db)), home_(std::move(home)), run_id_(std::move(run_id)) {}
  store::Db db_;
  std::string home_;
  std::string run_id_;
};

// The root run to watch when `tako status --watch` names none: the newest root recorded
// `running` (or `pending`: just created) whose owner is alive. Error: `no running run to watch`.
Result<std::string> newest_running_root(const std::string& home);

}  // namespace tako::view
