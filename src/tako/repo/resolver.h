// Resolving `owner/repo[:ref]` to a checkout directory (REFERENCE.md §3.2, §3.3):
// local siblings and the cache with --local, else cloning or updating the
// cached checkout with the git CLI.
#pragma once

#include <map>
#include <string>

#include "tako/repo/settings.h"
#include "tako/repo/spec.h"
#include "tako/util/result.h"

namespace tako::repo {

struct Resolved {
  std::string path;
  bool sibling = false;  // a local sibling directory (only with --local)
};

class Resolver {
 public:
  explicit Resolver(Settings settings) : settings_(std::move(settings)) {}

  // `from_dependents`: the reference comes from a `dependents` entry (only then
  // may a sibling directory of `entry_path` be used with --local).
  Result<Resolved> resolve(const RepoSpec& spec, bool from_dependents, const std::string& entry_path);

  std::string cache_path(const RepoSpec& spec) const;
  const Settings& settings() const { return settings_; }

 private:
  Result<std::string> clone(const RepoSpec& spec, const std::string& dest);
  Status update(const RepoSpec& spec, const std::string& path);

  Settings settings_;
  std::map<std::string, Result<Resolved>> done_;  // each checkout is updated once per process
};

// Sets a checkout directory's mtime to now (cache prune uses it, §1.8).
void touch_dir(const std::string& path);

}  // namespace tako::repo
