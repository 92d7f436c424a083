// Reading the store: the run list of `tako status` (§1.7) and one execution
// tree for `tako status <id>` and resume. Readers never wait for writers (WAL).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::store {

// One row of `tako status`.
struct RunSummary {
  std::string run_id;
  std::string workflow;
  std::string repository;
  state::RunStatus status = state::RunStatus::Pending;
  state::OptTime start_time;
  state::OptTime end_time;
  std::optional<int64_t> duration_ms;
  // Liveness (§11.5) needs the owner.
  int64_t pid = 0;
  std::string hostname;
};

// Root runs, newest start first (ties: greater run id first; runs not started yet
// last); at most `limit` (nullopt: all). Uses the runs_recent_roots index.
Result<std::vector<RunSummary>> list_runs(Db& db, std::optional<int64_t> limit);
// Its SQL (?1 = limit, -1 for none), public so that a test can check its query plan.
extern const char* const kListRunsSql;

// The whole tree of root run `run_id` as the §11.1 document (children in trigger
// order, steps in start order, fan-out children from the child runs).
// Unknown id (or the id of a child run): `run '<id>' not found`.
Result<state::StateDocument> load_tree(Db& db, const std::string& run_id);

// Whether a run (root or child) with this id is recorded.
Result<bool> run_exists(Db& db, const std::string& run_id);

// The root run id of the tree holding run `run_id` (itself for a root); nullopt when unknown.
Result<std::optional<std::string>> root_run_id_of(Db& db, const std::string& run_id);

// One history row (the journal's record of one change).
struct HistoryEntry {
  int64_t seq = 0;
  state::Timestamp time{};
  std::string run_id;
  std::optional<std::string> step_id;
  std::string kind;  // the journal verb: "step_started", ...
  nlohmann::json data;
};

// The history of every run of root run `run_id` with seq > `after_seq`, in commit
// order (timelines; a live view polls with the last seq it saw). An unknown id has
// no history.
Result<std::vector<HistoryEntry>> tree_history(Db& db, const std::string& run_id, int64_t after_seq = 0);

}  // namespace tako::store
