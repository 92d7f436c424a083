#include "tako/cli/commands.h"

#include <cstdio>
#include <iostream>

#include "tako/cli/output.h"
#include "tako/cli/parser.h"

namespace tako::cli {

namespace {

FlagSpec boolf(std::string name, std::string help, char shorthand = 0) {
  return FlagSpec{std::move(name), shorthand, FlagKind::Bool, "", std::move(help)};
}
FlagSpec valuef(std::string name, std::string value_name, std::string help, char shorthand = 0) {
  return FlagSpec{std::move(name), shorthand, FlagKind::Value, std::move(value_name), std::move(help)};
}
FlagSpec listf(std::string name, std::string value_name, std::string help) {
  return FlagSpec{std::move(name), 0, FlagKind::List, std::move(value_name), std::move(help)};
}

std::vector<CommandSpec> build_table() {
  std::vector<CommandSpec> t;
  t.push_back({"version", "tako version [flags]", "Print the version of tako", {}, 0, 0, true, false, cmd_version});
  t.push_back({"completion", "tako completion bash|zsh|fish", "Print a shell completion script", {}, 1, 1, false,
               false, cmd_completion});
  t.push_back({"init", "tako init [--force]", "Write a starter tako.yml for the current git repository",
               {boolf("force", "overwrite an existing tako.yml")}, 0, 0, false, false, cmd_init});
  t.push_back({"schema", "tako schema", "Print the JSON Schema of tako.yml (for editors)", {}, 0, 0, false, false,
               cmd_schema});
  t.push_back({"validate", "tako validate [flags]", "Validate the entry repository's tako.yml", {}, 0, 0, true,
               false, cmd_validate});
  t.push_back({"graph", "tako graph [flags]", "Print the dependency graph",
               {boolf("dot", "print the graph in Graphviz dot format (same as --format dot)"),
                valuef("format", "tree|dot|json|mermaid", "output format (default tree)")},
               0, 0, true, false, cmd_graph});
  t.push_back({"list", "tako list [flags]", "List the workflows of the repositories in the graph", {}, 0, 0, true,
               false, cmd_list});
  t.push_back({"run", "tako run [flags] <command> [args...]",
               "Run a shell command in every repository in dependency order",
               {listf("only", "LIST", "only these repositories and their dependents (comma-separated)"),
                listf("ignore", "LIST", "skip these repositories and their dependents (comma-separated)"),
                boolf("dry-run", "print what would run without running it"),
                valuef("jobs", "N", "repositories to run at once (default: online CPUs)", 'j'),
                boolf("serial", "run one repository at a time (same as -j 1)"),
                boolf("continue-on-error", "keep running independent repositories after a failure"),
                boolf("summarize-errors", "print a summary of failed and skipped repositories"),
                valuef("lock-timeout", "DUR", "repository lock wait limit (default 10m)"),
                valuef("progress", "auto|tty|plain", "progress line on a terminal (default auto)")},
               1, -1, true, false, cmd_run});
  t.push_back({"exec", "tako exec <workflow> [flags]", "Run a workflow in the entry repository",
               {boolf("dry-run", "plan only; run nothing"),
                boolf("debug", "print [debug] lines on stderr"),
                boolf("verbose", "stream step output", 'v'),
                valuef("resume", "RUN-ID", "resume an interrupted or failed run"),
                boolf("failed-only", "with --resume: re-run only failure origins"),
                valuef("max-concurrent-repos", "N", "child runs executing at once in the tree (default 4)"),
                valuef("max-depth", "N", "execution tree depth limit (default 10)"),
                valuef("isolation", "shared|worktree", "default isolation of child runs (default shared)"),
                boolf("no-cache", "ignore step-result cache hits"),
                boolf("preserve-tmp", "keep the run workspace on success"),
                valuef("container-runtime", "auto|docker|podman", "container runtime (default auto)"),
                valuef("executor", "local|slurm", "where run steps execute (default local; TAKO_EXECUTOR)"),
                valuef("state-sync", "normal|full", "state store durability (default normal; TAKO_STATE_SYNC)"),
                valuef("lock-timeout", "DUR", "repository lock wait limit (default 10m)"),
                valuef("progress", "auto|tty|plain", "live view of the tree on a terminal (default auto)")},
               0, 1, true, false, cmd_exec});
  t.push_back({"status", "tako status [<run-id>] [flags]", "Show recent runs or the tree of one run",
               {valuef("limit", "N", "number of runs to list (default 20)"), boolf("all", "list every run"),
                valuef("trace", "FILE", "write the run as Chrome Trace Event JSON to FILE (- for stdout)"),
                boolf("watch", "follow a running tree until it ends")},
               0, 1, true, false, cmd_status});
  t.push_back({"report", "tako report <run-id> [-o FILE]", "Write an HTML report of one run (timeline, tree, events)",
               {valuef("output", "FILE", "output file (default tako-report-<run-id>.html; - for stdout)", 'o')},
               1, 1, false, false, cmd_report});
  t.push_back({"logs", "tako logs <run-id> [<repository>[:<step>]] [flags]", "Print the step logs of a run",
               {boolf("follow", "follow running steps until the run ends", 'f')}, 1, 2, false, false, cmd_logs});
  t.push_back({"cancel", "tako cancel <run-id> [flags]", "Interrupt a running tree as Ctrl-C would",
               {boolf("no-wait", "return once the signal is sent")}, 1, 1, false, false, cmd_cancel});
  t.push_back({"gc", "tako gc [--older-than DUR]", "Remove finished runs with their logs and workspaces",
               {valuef("older-than", "DUR", "age of the run's end (default 720h; 0s = every finished run)")}, 0, 0,
               false, false, cmd_gc});
  t.push_back({"eval", "tako eval '<cel>' [flags]", "Evaluate a CEL expression",
               {valuef("data", "FILE|-", "JSON or YAML mapping whose keys become variables"),
                FlagSpec{"var", 0, FlagKind::Value, "NAME=<cel>", "define a variable (repeatable)"},
                valuef("container", "NAME", "CEL container for name resolution")},
               1, 1, true, false, cmd_eval});
  t.push_back({"render", "tako render '<template>' [flags]", "Render a template",
               {valuef("data", "FILE|-", "JSON or YAML data document"),
                valuef("missingkey", "empty|default|zero|error", "missing-key mode (default empty)")},
               1, 1, false, false, cmd_render});
  t.push_back({"cache", "tako cache clean|prune [flags]", "Manage the repository cache", {}, 0, 0, false, true,
               nullptr});
  t.push_back({"cache clean", "tako cache clean [--confirm]", "Delete the cache directory",
               {boolf("confirm", "really delete")}, 0, 0, false, false, cmd_cache_clean});
  t.push_back({"cache prune", "tako cache prune [--older-than DUR]", "Remove old cached checkouts",
               {valuef("older-than", "DUR", "age limit (default 720h)")}, 0, 0, false, false, cmd_cache_prune});
  t.push_back({"workspace", "tako workspace clean [flags]", "Manage run workspaces", {}, 0, 0, false, true,
               nullptr});
  t.push_back({"workspace clean", "tako workspace clean [--older-than DUR]", "Remove finished run workspaces",
               {valuef("older-than", "DUR", "age limit (default 0s = all)")}, 0, 0, false, false,
               cmd_workspace_clean});
  CommandSpec complete{"__complete", "tako __complete workflows|runs|repos [global flags]",
                       "Print completion values (used by the completion scripts)", {}, 1, 1, false, false,
                       cmd_complete};
  complete.hidden = true;
  t.push_back(std::move(complete));
  CommandSpec man{"__man", "tako __man", "Print the man page in roff (used by the build)", {}, 0, 0, false, false,
                  cmd_man};
  man.hidden = true;
  t.push_back(std::move(man));
  return t;
}

}  // namespace

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> kTable = build_table();
  return kTable;
}

int run_cli(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  ParseOutcome outcome = parse_command_line(command_table(), args);
  switch (outcome.kind) {
    case ParseOutcome::Kind::Help: {
      std::string text = help_text(outcome.help_for);
      std::fwrite(text.data(), 1, text.size(), stdout);
      return 0;
    }
    case ParseOutcome::Kind::UsageError:
      return report_usage_error(outcome.error, outcome.error_command);
    case ParseOutcome::Kind::Run:
      break;
  }
  return outcome.invocation.command->handler(outcome.invocation);
}

}  // namespace tako::cli
