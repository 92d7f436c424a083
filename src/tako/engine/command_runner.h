// `tako run` (REFERENCE.md §6): one shell command in every repository of a graph, in
// dependency order, at most `jobs` at once.
#pragma once

#include <string>
#include <vector>

#include "tako/graph/graph.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::engine {

struct CommandRunOptions {
  std::string command;  // run as `bash -c '<command>'`
  int jobs = 1;
  bool continue_on_error = false;
  bool summarize_errors = false;
  std::string home;               // <home>, for repository locks
  std::string lock_timeout_text;  // as written, for messages
  util::Nanos lock_timeout{0};
};

struct CommandRunResult {
  Status status;        // "command failed in ..." on failure
  int interrupted = 0;  // SIGINT/SIGTERM that stopped the run, 0 if none
};

// Runs `options.command` in every node of `g` (already filtered), respecting
// edges. Prints progress lines on stdout and the summary on stderr.
CommandRunResult run_command(const graph::Graph& g, const CommandRunOptions& options);

}  // namespace tako::engine
