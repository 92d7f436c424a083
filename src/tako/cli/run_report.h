// `tako run` reports built from the engine's per-repository outcomes (REFERENCE.md §1.5):
// the `--json` document and the failure recap printed at the end of a run with failures.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/engine/command_runner.h"

namespace tako::cli {

// {"command","success","duration_ms","summary":{succeeded,failed,skipped,not_started,total},
//  "repositories":[{"name","path","status","exit_code","signal","error","skipped_because","duration_ms"}]}
// Repositories in topological order; keys sorted (nlohmann::json objects are sorted maps).
nlohmann::json run_json(const std::string& command, const engine::CommandRunResult& result);

// The `--dry-run --json` document: the same shape, every repository "planned".
nlohmann::json dry_run_json(const std::string& command, const std::vector<engine::RepoOutcome>& planned);

// Lines in the manner of turbo's run summary, for a run with at least one failure ("" otherwise):
//  Repositories:  3 succeeded, 1 failed, 2 skipped, 6 total
//          Time:  1.503s
//        Failed:  o/a (exit status 3 after 12ms)
//                 o/e (exit status 1 after 3ms)
// Repositories that never started (after a failure without --continue-on-error) count as skipped,
// as in the --summarize-errors summary.
std::string failure_recap(const engine::CommandRunResult& result);

}  // namespace tako::cli
