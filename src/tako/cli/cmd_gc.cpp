// `tako gc [--older-than DUR]` (REFERENCE.md §1.17): removes finished root runs, their whole tree,
// from the store, with their archived logs (<home>/logs/<run-id>/) and their workspaces.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/engine/log_archive.h"
#include "tako/repo/git.h"
#include "tako/state/liveness.h"
#include "tako/store/gc.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/file_lock.h"

namespace fs = std::filesystem;

namespace tako::cli {

namespace {

bool finished(state::RunStatus s) { return s != state::RunStatus::Running && s != state::RunStatus::Pending; }

// now - t >= age, without overflow: a recorded time may be centuries away (years 1678..2262).
bool older_than(state::Timestamp t, util::Nanos age) {
  int64_t now_ns = state::now().time_since_epoch().count();
  int64_t since = 0;
  if (__builtin_sub_overflow(now_ns, t.time_since_epoch().count(), &since)) return now_ns > 0;
  return std::chrono::nanoseconds(since) >= age;
}

// "512 B", "12.4 KiB", "3.0 MiB".
std::string human_bytes(uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024;
  size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

}  // namespace

int cmd_gc(const Invocation& inv) {
  auto age = duration_flag(inv, "older-than", "720h");
  if (!age) return report_usage_error(age.error().message, "gc");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  const std::string home = settings->home;
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return report_error(db.error().message);
  if (!*db) {
    std::printf("Removed 0 run(s).\n");
    return 0;
  }
  auto runs = store::list_runs(**db, std::nullopt);
  if (!runs) return report_error(runs.error().message);

  // Finished long enough ago (the end, else the start; a run with neither is as old as can be),
  // and not being resumed right now: a resume holds the run lock before it records anything.
  std::vector<std::string> ids;
  std::set<std::string> worktree_repos;
  for (const store::RunSummary& r : *runs) {
    if (!finished(r.status)) continue;
    const state::OptTime when = r.end_time ? r.end_time : r.start_time;
    if (when && !older_than(*when, *age)) continue;
    if (util::FileLock::is_locked(util::run_lock_path(home, r.run_id))) continue;
    auto tree = store::load_tree(**db, r.run_id);
    if (!tree) return report_error(tree.error().message);
    state::for_each_run(tree->root, [&](const state::RunNode& run, const state::RunNode*) {
      if (run.worktree) worktree_repos.insert(run.path);
    });
    ids.push_back(r.run_id);
  }
  // The store first, in one transaction: if it fails nothing is removed at all; files of a run
  // that is gone from the store are only leftovers.
  auto deleted = store::delete_finished_trees(**db, ids);
  if (!deleted) return report_error(deleted.error().message);

  uint64_t bytes = 0;
  for (const std::string& id : deleted->roots) {
    for (const std::string& dir : {home + "/workspaces/" + id, engine::log_archive_dir(home, id)}) {
      bytes += engine::tree_bytes(dir);
      std::error_code ec;
      fs::remove_all(dir, ec);
      if (ec) report_warning("cannot remove " + dir + ": " + ec.message());
    }
    std::printf("Removed run %s\n", id.c_str());
  }
  if (!deleted->roots.empty()) {
    for (const auto& repo : worktree_repos) (void)repo::run_git({"-C", repo, "worktree", "prune"});
  }
  std::printf("Removed %zu run(s) (%lld with child runs), freed %s.\n", deleted->roots.size(),
              static_cast<long long>(deleted->runs), human_bytes(bytes).c_str());
  return 0;
}

}  // namespace tako::cli
