#include "tako/util/git_dir.h"

#include "tako/util/fs.h"
#include "tako/util/strings.h"

namespace tako::util {

namespace {

// The git dir named by a `.git` file, or nullopt when it is not a valid gitdir file.
std::optional<std::string> from_gitdir_file(const std::string& dir, const std::string& dot_git) {
  auto text = read_file(dot_git);
  if (!text) return std::nullopt;
  std::string_view line = trim(*text);
  if (auto nl = line.find('\n'); nl != std::string_view::npos) line = trim(line.substr(0, nl));
  constexpr std::string_view kPrefix = "gitdir:";
  if (line.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string target(trim(line.substr(kPrefix.size())));
  if (target.empty()) return std::nullopt;
  if (target.front() != '/') target = dir + "/" + target;
  if (!is_dir(target)) return std::nullopt;
  return real_path(target).value_or(target);
}

}  // namespace

std::optional<std::string> find_git_dir(const std::string& canonical_dir) {
  std::string dir = canonical_dir;
  while (!dir.empty()) {
    std::string dot_git = (dir == "/" ? "" : dir) + "/.git";
    if (is_dir(dot_git)) {
      if (is_file(dot_git + "/HEAD")) return dot_git;
    } else if (is_file(dot_git)) {
      if (auto d = from_gitdir_file(dir, dot_git)) return d;
    }
    if (dir == "/") break;
    auto slash = dir.find_last_of('/');
    dir = slash == 0 ? "/" : dir.substr(0, slash);
  }
  return std::nullopt;
}

}  // namespace tako::util
