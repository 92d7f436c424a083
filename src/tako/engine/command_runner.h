// `tako run` (REFERENCE.md §6): one shell command in every repository of a graph, in
// dependency order, at most `jobs` at once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tako/graph/graph.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::engine {

// Counts of `tako run`'s repositories, for its progress line on a terminal.
struct CommandProgress {
  int total = 0;
  int done = 0;     // succeeded, failed or skipped
  int running = 0;  // running or waiting for its repository lock
  int failed = 0;
};

struct CommandRunOptions {
  std::string command;  // run as `bash -c '<command>'`
  int jobs = 1;
  bool continue_on_error = false;
  bool summarize_errors = false;
  // `tako run --json`: stdout carries only the JSON report, so the progress lines and the
  // commands' stdout go to stderr (output lines keep their `<name> | ` prefix with jobs > 1).
  bool stdout_to_stderr = false;
  std::string home;               // <home>, for repository locks
  std::string lock_timeout_text;  // as written, for messages
  util::Nanos lock_timeout{0};
  // When set: called on the runner's thread after every change and at least every 100 ms
  // (docs/CLI.md "Live view"). Output lines go through util::console_write meanwhile.
  std::function<void(const CommandProgress&)> on_progress;
};

// What happened in one repository (for `tako run --json` and the failure recap).
struct RepoOutcome {
  enum class Kind { Succeeded, Failed, Skipped, NotStarted };
  std::string name;  // identity
  std::string path;
  Kind kind = Kind::NotStarted;
  std::optional<int> exit_code;  // when the command exited (any code)
  int signal = 0;                // when a signal ended it
  std::string error;             // "exit status 3", "signal: killed", a lock error; "" on success
  std::string skipped_because;   // Skipped: the failed upstream repository
  util::Nanos duration{0};       // command run time (0 when it never ran)
};
const char* to_string(RepoOutcome::Kind kind);  // succeeded|failed|skipped|not_started

struct CommandRunResult {
  Status status;        // "command failed in ..." on failure
  int interrupted = 0;  // SIGINT/SIGTERM that stopped the run, 0 if none
  std::vector<RepoOutcome> repos;  // every node, in topological order (empty when interrupted)
  util::Nanos elapsed{0};          // the whole run
};

// Runs `options.command` in every node of `g` (already filtered), respecting
// edges. Prints progress lines on stdout and the summary on stderr.
CommandRunResult run_command(const graph::Graph& g, const CommandRunOptions& options);

}  // namespace tako::engine
