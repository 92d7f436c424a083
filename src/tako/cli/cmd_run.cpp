// `tako run` (REFERENCE.md §1.5, §6).
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/cli/run_report.h"
#include "tako/engine/command_runner.h"
#include "tako/graph/graph.h"
#include "tako/proc/group_keeper.h"
#include "tako/proc/interrupt.h"
#include "tako/util/strings.h"
#include "tako/view/run_progress.h"
#include "tako/view/terminal.h"

namespace tako::cli {

namespace {

// Each job is a shell process plus two output threads; far beyond any machine's use.
constexpr int64_t kMaxJobs = 100000;

Result<int> jobs_flag(const Invocation& inv) {
  if (inv.flag("serial")) return 1;
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  auto n = count_flag(inv, "jobs", "-j, --jobs", online < 1 ? 1 : online, kMaxJobs, "must be a positive integer");
  if (!n) return n.error();
  return int(*n);
}

void print_json(const nlohmann::json& doc) {
  std::string text = doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::fflush(stdout);
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

}  // namespace

int cmd_run(const Invocation& inv) {
  proc::InterruptGuard guard;
  // Ends the commands' process groups if this process is killed (docs/PROCESSES.md).
  auto keeper = proc::GroupKeeper::start_or_warn();
  auto jobs = jobs_flag(inv);
  if (!jobs) return report_usage_error(jobs.error().message, "run");
  auto lock_timeout = duration_flag(inv, "lock-timeout", "10m");
  if (!lock_timeout) return report_usage_error(lock_timeout.error().message, "run");
  auto progress = progress_flag(inv);
  if (!progress) return report_usage_error(progress.error().message, "run");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);

  const bool json = inv.global.json;
  const bool live = !json && view::live_enabled(*progress, STDOUT_FILENO);
  const bool color = color_enabled(inv.global.no_color);

  repo::Resolver resolver(*settings);
  Result<repo::Universe> universe = [&] {
    if (!live) return universe_for(inv, resolver, /*strict=*/true);
    // Cloning or updating many repositories takes a while: a line says how far it is.
    view::LiveArea area(STDOUT_FILENO);
    view::ScopedConsole console(area);
    return universe_for(inv, resolver, /*strict=*/true, [&](const repo::ResolveProgress& p) {
      view::ResolveLine line{p.total, p.done, p.failed, p.current};
      area.draw({view::render_resolve_progress(line, view::terminal_width(STDOUT_FILENO) - 1, color)});
    });
  }();
  if (!universe) return report_error(universe.error().message);
  graph::Graph full = graph::reachable_from(graph::from_universe(*universe), 0);
  if (auto cycles = graph::check_cycles(full, 0); !cycles) return report_error(cycles.error().message);
  auto filtered = graph::apply_filters(full, inv.list("only"), inv.list("ignore"));
  if (!filtered) return report_error(filtered.error().message);
  const graph::Graph& g = *filtered;

  std::string command = util::join(inv.args, " ");
  if (g.size() == 0) {
    // With --json stdout holds only the document; the fixed warning moves to stderr.
    std::fputs("Warning: No repositories matched the filter criteria.\n", json ? stderr : stdout);
    if (json) print_json(run_json(command, engine::CommandRunResult{}));
    return 0;
  }
  if (inv.flag("dry-run") && json) {
    std::vector<engine::RepoOutcome> planned;
    for (int n : graph::topological_order(g)) {
      engine::RepoOutcome o;
      o.name = g.node(n).name;
      o.path = g.node(n).path;
      planned.push_back(std::move(o));
    }
    print_json(dry_run_json(command, planned));
    return 0;
  }
  if (inv.flag("dry-run")) {
    std::string out;
    for (int n : graph::topological_order(g)) out += "[dry-run] " + g.node(n).name + ": " + command + "\n";
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  }
  engine::CommandRunOptions opt;
  opt.command = command;
  opt.jobs = *jobs;
  opt.continue_on_error = inv.flag("continue-on-error");
  opt.summarize_errors = inv.flag("summarize-errors");
  opt.stdout_to_stderr = json;
  opt.home = settings->home;
  opt.lock_timeout = *lock_timeout;
  opt.lock_timeout_text = inv.value("lock-timeout").value_or("10m");
  // The progress line (docs/CLI.md "Live view"): only when the commands' output passes through
  // tako (-j > 1); with -j 1 a command owns the terminal and may be interactive.
  std::optional<view::LiveArea> area;
  std::optional<view::ScopedConsole> console;
  if (live && opt.jobs > 1) {
    area.emplace(STDOUT_FILENO);
    console.emplace(*area);
    opt.on_progress = [&area, color](const engine::CommandProgress& p) {
      view::RunProgress rp{p.total, p.done, p.running, p.failed};
      area->draw({view::render_run_progress(rp, view::terminal_width(STDOUT_FILENO) - 1, color)});
    };
  }
  engine::CommandRunResult result = engine::run_command(g, opt);
  console.reset();
  if (area) area->clear();  // the normal output follows
  if (result.interrupted != 0) {
    report_error("interrupted");
    return result.interrupted == SIGINT ? 130 : 143;
  }
  if (json) print_json(run_json(command, result));
  if (!result.status) {
    // --summarize-errors already lists every failure (in the reference's fixed form).
    if (!opt.summarize_errors) {
      std::string recap = failure_recap(result);
      std::fflush(stdout);
      std::fwrite(recap.data(), 1, recap.size(), stderr);
    }
    return report_error(result.status.error().message);
  }
  return 0;
}

}  // namespace tako::cli
