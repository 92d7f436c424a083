// The git directory of a checkout, as `git rev-parse --absolute-git-dir` finds it, without
// spawning git: the repository lock (REFERENCE.md §14) is taken for every child run, and a process
// per lock would dominate a fan-out.
#pragma once

#include <optional>
#include <string>

namespace tako::util {

// Walks up from `canonical_dir` (an absolute path without symlinks) to the first directory
// holding `.git`: a directory `.git` with a HEAD file is the git dir; a file `.git` reading
// `gitdir: <path>` (linked worktrees, submodules) names it, relative to the file's directory
// unless absolute. nullopt when no ancestor is a git checkout.
std::optional<std::string> find_git_dir(const std::string& canonical_dir);

}  // namespace tako::util
