// Shared by `tako report` and `tako status <run-id> --trace` (docs/REPORT.md): the timeline of a
// stored run and writing a rendered file.
#pragma once

#include <string>

#include "tako/report/timeline.h"
#include "tako/util/result.h"

namespace tako::cli {

// The timeline of root run `run_id` from the store of `home` (one tree and its history).
// Unknown id, child id or no store: `run '<id>' not found`. Spans still running end now when the
// tree's owner is alive, else at the tree's last recorded change (an interrupted tree does not
// grow until the report is made).
Result<report::Timeline> load_timeline(const std::string& home, const std::string& run_id);

// Writes `text` to `path` ("-": stdout) through a temporary sibling renamed over it.
// Error: `could not write <path>: <reason>`.
Status write_output(const std::string& path, const std::string& text);

}  // namespace tako::cli
