// The live view's model (docs/CLI.md "Live view"): a plain tree of runs and steps with their
// status, times, why a pending run waits and the last output line of each running step. Built
// from the store by snapshot_reader.h; drawn by render.h. No behaviour beyond small queries.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/state/document.h"

namespace tako::view {

struct StepView {
  std::string id;
  state::StepStatus status = state::StepStatus::Pending;
  state::OptTime start_time;
  state::OptTime end_time;
  std::string last_line;  // running steps only: the last line of the step's log ("" if none yet)
  std::string log_path;   // where that log is (empty: unknown)
};

struct RunView {
  std::string run_id;
  std::string repository;
  std::string workflow;
  state::RunStatus status = state::RunStatus::Pending;
  bool interrupted = false;                // `running` in a tree whose owner is gone (§11.5)
  std::optional<std::string> waiting_for;  // pending: "concurrency slot", "lock on <repo>", "parent"
  std::optional<std::string> error;
  state::OptTime start_time;
  state::OptTime end_time;
  std::vector<StepView> steps;     // start order
  std::vector<RunView> children;   // trigger order
};

struct Snapshot {
  RunView root;
  bool owner_alive = true;  // the tako that runs the tree still holds its run lock (§11.5)
};

// True while the tree may still change: its owner is alive and its root pending or running.
bool tree_active(const Snapshot& s);

// Counts of the tree's runs (root included) for the header line.
struct RunCounts {
  int total = 0, running = 0, pending = 0, completed = 0, failed = 0;
};
RunCounts count_runs(const RunView& root);

}  // namespace tako::view
