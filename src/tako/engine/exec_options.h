// Options of one `tako exec` invocation (REFERENCE.md §1.6), shared by every run of the tree.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tako/repo/settings.h"
#include "tako/util/go_duration.h"

namespace tako::engine {

struct ExecOptions {
  std::string workflow;  // may be empty with --resume
  std::vector<std::pair<std::string, std::string>> cli_inputs;  // command-line order
  std::optional<std::string> repo_flag;  // --repo as given (for the header)
  std::optional<std::string> root_flag;  // --root
  std::optional<std::string> resume;     // --resume <run-id>
  bool failed_only = false;
  bool dry_run = false;
  bool debug = false;
  bool verbose = false;
  bool json = false;
  bool color = false;
  bool live_view = false;  // --progress: draw the live tree on stdout (docs/CLI.md "Live view")
  int max_concurrent_repos = 4;
  int max_depth = 10;
  std::string isolation = "shared";  // shared | worktree
  std::string state_sync = "normal";  // normal | full (--state-sync, TAKO_STATE_SYNC; §11.3)
  bool no_cache = false;
  bool preserve_tmp = false;
  std::string container_runtime = "auto";
  std::string executor = "local";  // local | slurm (--executor, TAKO_EXECUTOR; docs/SCALE-OUT.md)
  util::Nanos lock_timeout = std::chrono::minutes(10);
  std::string lock_timeout_text = "10m";
  repo::Settings settings;
};

}  // namespace tako::engine
