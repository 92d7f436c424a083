// `tako cache clean` / `tako cache prune` (REFERENCE.md §1.8).
#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/util/file_lock.h"

namespace fs = std::filesystem;

namespace tako::cli {

namespace {

void say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

bool older_than(const fs::path& p, fs::file_time_type cutoff) {
  std::error_code ec;
  auto t = fs::last_write_time(p, ec);
  return !ec && t < cutoff;
}

bool is_empty_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec) && fs::is_empty(p, ec);
}

}  // namespace

int cmd_cache_clean(const Invocation& inv) {
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  if (!inv.flag("confirm")) {
    say("This will delete the cache directory at " + settings->cache_dir + ". Use --confirm to proceed.");
    return 0;
  }
  say("Cleaning cache...");
  std::error_code ec;
  fs::remove_all(settings->cache_dir, ec);
  if (ec) return report_error("failed to clean cache: remove " + settings->cache_dir + ": " + ec.message());
  say("Cache cleaned successfully.");
  return 0;
}

int cmd_cache_prune(const Invocation& inv) {
  auto age = duration_flag(inv, "older-than", "720h");
  if (!age) return report_usage_error(age.error().message, "cache prune");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  say("Pruning cache...");
  // An age reaching back before the file clock's range (e.g. 2000000h: the clock's epoch is 2174)
  // selects nothing; `now - age` would overflow and wrap into the future, selecting everything.
  const auto now = fs::file_time_type::clock::now();
  const auto span = std::chrono::duration_cast<fs::file_time_type::duration>(*age);
  const auto cutoff = span > now - fs::file_time_type::min() ? fs::file_time_type::min() : now - span;
  const fs::path repos = settings->repos_dir();
  std::error_code ec;
  if (fs::is_directory(repos, ec)) {
    for (const auto& owner : fs::directory_iterator(repos, ec)) {
      if (!owner.is_directory()) continue;
      for (const auto& repo : fs::directory_iterator(owner.path(), ec)) {
        if (!repo.is_directory()) continue;
        for (const auto& ref : fs::directory_iterator(repo.path(), ec)) {
          if (!ref.is_directory() || !older_than(ref.path(), cutoff)) continue;
          std::string lock_path =
              util::cache_lock_path(settings->cache_dir, owner.path().filename().string(),
                                    repo.path().filename().string(), ref.path().filename().string());
          // A checkout being cloned or updated right now is left alone.
          auto lock = util::FileLock::try_acquire(lock_path);
          if (!lock || !lock->has_value()) continue;  // being cloned or updated right now
          std::error_code rm;
          fs::remove_all(ref.path(), rm);
        }
        if (is_empty_dir(repo.path())) fs::remove(repo.path(), ec);
      }
      if (is_empty_dir(owner.path())) fs::remove(owner.path(), ec);
    }
  }
  const fs::path steps = fs::path(settings->cache_dir) / "steps";
  if (fs::is_directory(steps, ec)) {
    for (const auto& entry : fs::directory_iterator(steps, ec)) {
      if (entry.path().extension() == ".json" && older_than(entry.path(), cutoff)) fs::remove(entry.path(), ec);
    }
  }
  say("Cache pruned successfully.");
  return 0;
}

}  // namespace tako::cli
