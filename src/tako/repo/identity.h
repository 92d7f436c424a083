// Repository identity (REFERENCE.md §3.4).
#pragma once

#include <optional>
#include <string>

namespace tako::repo {

// "o/r" from a remote URL: strip a trailing '/' and ".git", take the last two
// path components (https, scp-like git@host:o/r, ssh://, file://, plain paths).
// nullopt when the URL has fewer than two components.
std::optional<std::string> owner_repo_from_url(const std::string& url);

// The origin URL of the working copy at `path`, read from .git/config (falling
// back to `git remote get-url origin` for worktrees and unusual layouts).
std::optional<std::string> origin_url(const std::string& path);

// §3.4: cache path → metadata.name → origin URL → directory name.
// `cache_repos_dir` is <cache>/repos; `metadata_name` may be empty.
std::string compute_identity(const std::string& path, const std::string& metadata_name,
                             const std::string& cache_repos_dir);

}  // namespace tako::repo
