// `tako workspace clean [--older-than DUR]` (REFERENCE.md §1.9).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <set>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/engine/log_archive.h"
#include "tako/repo/git.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/file_lock.h"

namespace fs = std::filesystem;

namespace tako::cli {

int cmd_workspace_clean(const Invocation& inv) {
  auto age = duration_flag(inv, "older-than", "0s");
  if (!age) return report_usage_error(age.error().message, "workspace clean");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  const std::string home = settings->home;
  const fs::path root = fs::path(home) / "workspaces";
  const auto now_sys = std::chrono::system_clock::now();
  const auto now_file = fs::file_time_type::clock::now();
  int removed = 0;
  std::error_code ec;
  // A workspace of a recorded run goes by the run's end (a finished run), others by age.
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return report_error(db.error().message);
  if (fs::is_directory(root, ec)) {
    std::vector<fs::path> dirs;
    for (const auto& e : fs::directory_iterator(root, ec)) {
      if (e.is_directory()) dirs.push_back(e.path());
    }
    std::sort(dirs.begin(), dirs.end());
    for (const auto& dir : dirs) {
      const std::string run_id = dir.filename().string();
      // A tree still executing (or being resumed) holds its run lock.
      if (util::FileLock::is_locked(util::run_lock_path(home, run_id))) continue;
      Result<state::StateDocument> loaded = Error{"no store"};
      if (*db) loaded = store::load_tree(**db, run_id);
      bool old_enough = false;
      std::set<std::string> worktree_repos;
      if (loaded && loaded->root.end_time) {
        // now - end without overflow: a recorded end_time may be centuries away (years 1678..2262).
        int64_t end_ns = loaded->root.end_time->time_since_epoch().count();
        int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now_sys.time_since_epoch()).count();
        int64_t since = 0;
        bool overflow = __builtin_sub_overflow(now_ns, end_ns, &since);
        old_enough = overflow ? now_ns > end_ns : std::chrono::nanoseconds(since) >= *age;
        state::for_each_run(loaded->root, [&](const state::RunNode& r, const state::RunNode*) {
          if (r.worktree) worktree_repos.insert(r.path);
        });
      } else {
        auto mtime = fs::last_write_time(dir, ec);
        old_enough = !ec && now_file - mtime >= *age;
      }
      if (!old_enough) continue;
      // The logs move to <home>/logs/<run-id>/ first (§2); a workspace whose logs cannot move is kept.
      if (auto s = engine::remove_workspace(dir.string(), engine::log_archive_dir(home, run_id)); !s) {
        report_warning("workspace " + dir.string() + " kept: " + s.error().message);
        continue;
      }
      ++removed;
      for (const auto& repo : worktree_repos) (void)repo::run_git({"-C", repo, "worktree", "prune"});
    }
  }
  std::printf("Removed %d workspace(s).\n", removed);
  return 0;
}

}  // namespace tako::cli
