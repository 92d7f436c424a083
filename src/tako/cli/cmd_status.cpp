// `tako status [<run-id>] [--json] [--limit N] [--all] [--watch] [--trace FILE]` (REFERENCE.md §1.7, §11.5,
// §11.6; --trace: docs/REPORT.md).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/cli/report_output.h"
#include "tako/report/trace_json.h"
#include "tako/proc/interrupt.h"
#include "tako/state/liveness.h"
#include "tako/state/render.h"
#include "tako/store/export.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/view/live_view.h"
#include "tako/view/render.h"

namespace tako::cli {

namespace {

void print(const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), stdout);
  std::fflush(stdout);
}

// --limit N: a positive integer. nullopt = --all.
Result<std::optional<size_t>> limit_flag(const Invocation& inv) {
  // The upper bound only keeps the number representable; any count above the runs stored lists all.
  auto n = count_flag(inv, "limit", "--limit", 20, int64_t{1} << 62, "must be a positive integer");
  if (!n) return n.error();
  std::optional<size_t> limit = static_cast<size_t>(*n);
  if (inv.flag("all")) limit.reset();
  return limit;
}

bool alive(const state::StateDocument& doc, const std::string& home) {
  return !state::has_running_run(doc) || state::owner_alive(doc, home);
}

// Readers never wait for a writer (§11.1); no store yet means no runs.
Result<std::optional<store::Db>> open_for_reading(const std::string& home) {
  return store::open_existing_store(store::store_path(home));
}

int show_tree(const Invocation& inv, const std::string& home, const std::string& id) {
  auto db = open_for_reading(home);
  if (!db) return report_error(db.error().message);
  if (!*db) return report_error("run '" + id + "' not found");
  if (inv.global.json) {  // the run document of §11.1: the store's export
    auto text = store::export_run_document_text(**db, id);
    if (!text) return report_error(text.error().message);
    print(*text);
    return 0;
  }
  auto doc = store::load_tree(**db, id);
  if (!doc) return report_error(doc.error().message);
  state::RenderOptions opts;
  opts.now = state::now();
  opts.owner_alive = alive(*doc, home);
  opts.color = color_enabled(inv.global.no_color);
  print(state::render_tree(*doc, opts));
  return 0;
}

// --trace FILE: the run as Chrome Trace Event JSON instead of the tree ("-": stdout).
int write_trace(const std::string& home, const std::string& id, const std::string& path) {
  auto timeline = load_timeline(home, id);
  if (!timeline) return report_error(timeline.error().message);
  if (auto s = write_output(path, report::render_trace(*timeline)); !s) return report_error(s.error().message);
  if (path != "-") print("Trace written to " + path + "\n");
  return 0;
}

int show_list(const Invocation& inv, const std::string& home, std::optional<size_t> limit) {
  std::vector<state::ListRow> rows;
  auto db = open_for_reading(home);
  if (!db) return report_error(db.error().message);
  if (*db) {
    std::optional<int64_t> n;
    if (limit) n = static_cast<int64_t>(*limit);
    auto runs = store::list_runs(**db, n);
    if (!runs) return report_error(runs.error().message);
    for (const store::RunSummary& r : *runs) {
      // The root's row is all the list shows; liveness needs the owner stamp (§11.5).
      state::StateDocument doc;
      doc.pid = r.pid;
      doc.hostname = r.hostname;
      doc.root.run_id = r.run_id;
      doc.root.workflow = r.workflow;
      doc.root.repository = r.repository;
      doc.root.status = r.status;
      doc.root.start_time = r.start_time;
      doc.root.end_time = r.end_time;
      doc.root.duration_ms = r.duration_ms;
      rows.push_back(state::list_row(doc, alive(doc, home)));
    }
  }
  if (inv.global.json) {
    print(state::rows_json(rows).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else {
    print(state::render_table(rows));
  }
  return 0;
}

// --watch (docs/CLI.md "Live view"): the live tree of a running root, read from the store, until
// the tree ends; then its final tree once, exit 0. Not a terminal: only the final tree.
int watch_tree(const Invocation& inv, const std::string& home) {
  std::string id;
  if (!inv.args.empty()) {
    id = inv.args[0];
  } else {
    auto newest = view::newest_running_root(home);
    if (!newest) return report_error(newest.error().message);
    id = *newest;
  }
  auto reader = view::SnapshotReader::open(home, id);
  if (!reader) return report_error(reader.error().message);
  view::ViewOptions vo;
  vo.color = color_enabled(inv.global.no_color);
  const bool live = view::live_enabled(view::ProgressMode::Auto, STDOUT_FILENO);
  std::optional<view::LiveArea> area;
  if (live) area.emplace(STDOUT_FILENO, vo.interval);
  proc::InterruptGuard guard;  // Ctrl-C erases the view before exiting (130)
  auto last = view::follow(*reader, area ? &*area : nullptr, vo, guard.fd());
  if (area) area->clear();
  if (guard.interrupted()) {
    report_error("interrupted");
    return guard.exit_code();
  }
  if (!last) return report_error(last.error().message);
  view::RenderOptions ro;
  ro.now = state::now();
  ro.color = vo.color;
  ro.width = live ? view::terminal_width(STDOUT_FILENO) - 1 : 0;  // a file gets whole lines
  std::string text;
  for (const std::string& line : view::render(*last, ro)) text += line + "\n";
  print(text);
  return 0;
}

}  // namespace

int cmd_status(const Invocation& inv) {
  auto limit = limit_flag(inv);
  if (!limit) return report_usage_error(limit.error().message, "status");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  if (auto trace = inv.value("trace")) {
    if (inv.args.empty()) {
      return report_usage_error("--trace needs a run id: tako status <run-id> --trace FILE", "status");
    }
    if (trace->empty()) {
      return report_usage_error("invalid argument \"\" for \"--trace\" flag: must be a file name or -", "status");
    }
    return write_trace(settings->home, inv.args[0], *trace);
  }
  if (inv.flag("watch")) {
    if (inv.global.json) return report_usage_error("--watch cannot be used with --json", "status");
    return watch_tree(inv, settings->home);
  }
  if (!inv.args.empty()) return show_tree(inv, settings->home, inv.args[0]);
  return show_list(inv, settings->home, *limit);
}

}  // namespace tako::cli
