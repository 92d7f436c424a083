// Text and JSON views of state documents for `tako status` (REFERENCE.md §1.7, §11.6).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/state/liveness.h"

namespace tako::state {

// Colour of `[FAILED]` (red) and `[COMPLETED]` (green); never changes the text otherwise.
struct RenderOptions {
  Timestamp now{};           // for the elapsed time of running steps
  bool owner_alive = true;   // §11.5: false turns `running` into INTERRUPTED
  bool color = false;
};

// The §11.6 tree, each line ending in "\n":
//   <run id> (<root workflow>) [<TREE STATUS>]
//   └── <root run line>
//       ├── <child run line> ...
std::string render_tree(const StateDocument& doc, const RenderOptions& opts);

// One run line without tree prefix: `<repository> [<STATUS>]...` (§11.6 forms).
std::string render_run_line(const RunNode& run, const RunNode* parent, const RenderOptions& opts);

// First line of `error`; more than 200 characters (code points): first 199 + "…".
std::string error_summary(const std::string& error);

// One row of the `tako status` list (the root run of one tree).
struct ListRow {
  std::string run_id, workflow, repository;
  DisplayStatus status = DisplayStatus::Pending;
  OptTime start_time, end_time;
  std::optional<int64_t> duration_ms;               // as recorded
  std::optional<std::chrono::nanoseconds> duration;  // for the DURATION column
};

ListRow list_row(const StateDocument& doc, bool owner_alive);
// Newest start time first (unknown start last), ties by run id descending.
void sort_rows(std::vector<ListRow>& rows);
// Header + rows, two-space separated, left-aligned to the widest cell, trailing
// blanks removed; "No runs found.\n" when empty.
std::string render_table(const std::vector<ListRow>& rows);
// [{"run_id","workflow","repository","status","start_time","end_time","duration_ms"}]
nlohmann::json rows_json(const std::vector<ListRow>& rows);

}  // namespace tako::state
