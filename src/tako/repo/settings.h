// Where tako keeps its files and how repositories are reached (REFERENCE.md §2, §3).
#pragma once

#include <optional>
#include <string>

#include "tako/util/result.h"

namespace tako::repo {

struct Settings {
  std::string home;          // <home>: $TAKO_HOME, else $HOME/.tako
  std::string cache_dir;     // --cache-dir or <home>/cache
  bool local = false;        // --local: never touch the network
  std::string url_template;  // TAKO_REMOTE_URL_TEMPLATE or the GitHub default
  std::string lock_timeout = "10m";
  // Prints "warning: ..." lines (diverged checkouts, ignored repositories).
  bool warnings = true;

  std::string repos_dir() const { return cache_dir + "/repos"; }
  std::string cache_locks_dir() const { return cache_dir + "/locks"; }
};

// Expands a leading "~/" with $HOME and makes the path absolute.
std::string expand_path(const std::string& path);

// Builds settings from the environment and the global flags.
// Errors: TAKO_E004 when neither TAKO_HOME nor HOME is set.
Result<Settings> make_settings(const std::optional<std::string>& cache_dir_flag, bool local);

}  // namespace tako::repo
