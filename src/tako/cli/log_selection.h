// Which step logs `tako logs <run-id> [<repository>[:<step>]]` prints, in which order, and where
// each file is (REFERENCE.md §1.15): read from the store's tree, never from the engine.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/state/document.h"
#include "tako/util/result.h"

namespace tako::cli {

// `<repository>[:<step>]`; the repository is compared case-insensitively (§3.4).
struct LogFilter {
  std::optional<std::string> repository;
  std::optional<std::string> step;
};
LogFilter parse_log_filter(const std::string& arg);

struct LogEntry {
  std::string run_id;
  std::string step_id;
  std::string label;     // "<repository> <step>": the prefix is "<label> | "
  std::string rel_path;  // relative to the ROOT workspace: "logs/x.log", "children/<id>/logs/x.log"
  bool finished = false;  // the step is no longer running or pending
};

// The started steps of the tree (every run) that pass `filter`, in execution order: by start time,
// ties in tree order (a run before its children, steps in start order).
std::vector<LogEntry> select_logs(const state::StateDocument& doc, const LogFilter& filter);

// Why a filter selects nothing in this tree, as the error text; nullopt when the repository
// (and step) exist in the tree (a step recorded but not started yet selects nothing either).
std::optional<std::string> filter_error(const state::StateDocument& doc, const LogFilter& filter);

}  // namespace tako::cli
