// `tako status [<run-id>] [--json] [--limit N] [--all]` (REFERENCE.md §1.7, §11.5, §11.6).
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/state/liveness.h"
#include "tako/state/render.h"
#include "tako/state/store.h"

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

const state::WarningSink kWarn = [](const std::string& message) { report_warning(message); };

int show_tree(const Invocation& inv, const std::string& home, const std::string& id) {
  auto loaded = state::load_state(state::state_dir(home), id, kWarn);
  if (!loaded) return report_error(loaded.error().message);
  if (inv.global.json) {
    print(loaded->json.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return 0;
  }
  state::RenderOptions opts;
  opts.now = state::now();
  opts.owner_alive = alive(loaded->doc, home);
  opts.color = color_enabled(inv.global.no_color);
  print(state::render_tree(loaded->doc, opts));
  return 0;
}

int show_list(const Invocation& inv, const std::string& home, std::optional<size_t> limit) {
  const std::string dir = state::state_dir(home);
  std::vector<state::ListRow> rows;
  for (const auto& id : state::list_state_ids(dir)) {
    auto loaded = state::load_state(dir, id, kWarn);
    if (!loaded) {
      report_warning(loaded.error().message);
      continue;
    }
    rows.push_back(state::list_row(loaded->doc, alive(loaded->doc, home)));
  }
  state::sort_rows(rows);
  if (limit && rows.size() > *limit) rows.resize(*limit);
  if (inv.global.json) {
    print(state::rows_json(rows).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
  } else {
    print(state::render_table(rows));
  }
  return 0;
}

}  // namespace

int cmd_status(const Invocation& inv) {
  auto limit = limit_flag(inv);
  if (!limit) return report_usage_error(limit.error().message, "status");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  if (!inv.args.empty()) return show_tree(inv, settings->home, inv.args[0]);
  return show_list(inv, settings->home, *limit);
}

}  // namespace tako::cli
