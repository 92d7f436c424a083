// The console report of `tako exec` (REFERENCE.md §1.6.1, §1.6.2): the summary block
// with fan-out trees, and the tails of failed steps' logs.
#pragma once

#include <string>

#include "tako/state/document.h"

namespace tako::engine {

struct SummaryStyle {
  bool color = false;
  bool dry_run = false;  // every step as "✓ <id> (0s)"
};

// "Execution completed: …" through the step lines (no trailing blank line).
std::string render_summary(const state::RunNode& root, bool success, const std::string& duration,
                           const SummaryStyle& style);

// The "--- last <n> lines of step '<id>' (<repo>) ---" blocks for every failed
// step in tree order whose log is non-empty.
std::string render_failure_logs(const state::RunNode& root);

}  // namespace tako::engine
