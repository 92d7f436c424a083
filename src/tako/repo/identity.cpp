#include "tako/repo/identity.h"

#include <sys/stat.h>

#include <vector>

#include "tako/repo/git.h"
#include "tako/util/fs.h"
#include "tako/util/strings.h"

namespace tako::repo {

std::optional<std::string> owner_repo_from_url(const std::string& raw) {
  std::string url(util::trim(raw));
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.size() > 4 && url.compare(url.size() - 4, 4, ".git") == 0) url.resize(url.size() - 4);
  // scp-like "git@host:o/r": treat ':' after the host as a separator.
  if (url.find("://") == std::string::npos) {
    auto colon = url.find(':');
    auto slash = url.find('/');
    if (colon != std::string::npos && (slash == std::string::npos || colon < slash)) url[colon] = '/';
  }
  std::vector<std::string> parts;
  for (auto& p : util::split(url, '/')) {
    if (!p.empty()) parts.push_back(p);
  }
  if (parts.size() < 2) return std::nullopt;
  const std::string& owner = parts[parts.size() - 2];
  const std::string& repo = parts[parts.size() - 1];
  if (owner.find(':') != std::string::npos) return std::nullopt;  // "https:" with a single component
  return owner + "/" + repo;
}

std::optional<std::string> origin_url(const std::string& path) {
  // Fast path: parse .git/config ourselves; spawning git for every repository
  // of a large workspace would dominate `tako graph`.
  struct stat st {};
  std::string git_dir = path + "/.git";
  if (::stat(git_dir.c_str(), &st) != 0) return std::nullopt;
  if (S_ISDIR(st.st_mode)) {
    auto text = util::read_file(git_dir + "/config");
    if (!text) return std::nullopt;
    bool in_origin = false;
    bool saw_include = false;
    for (const auto& raw : util::split(*text, '\n')) {
      std::string_view line = util::trim(raw);
      if (line.empty() || line[0] == '#' || line[0] == ';') continue;
      if (line[0] == '[') {
        in_origin = line == "[remote \"origin\"]";
        if (line.rfind("[include", 0) == 0) saw_include = true;
        continue;
      }
      if (!in_origin) continue;
      auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      if (util::trim(line.substr(0, eq)) == "url") {
        std::string value(util::trim(line.substr(eq + 1)));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        return value;
      }
    }
    if (!saw_include) return std::nullopt;
  }
  GitResult r = run_git({"-C", path, "remote", "get-url", "origin"});
  if (!r.ok()) return std::nullopt;
  std::string url = r.trimmed();
  if (url.empty()) return std::nullopt;
  return url;
}

std::string compute_identity(const std::string& path, const std::string& metadata_name,
                             const std::string& cache_repos_dir) {
  // (1) a checkout under <cache>/repos/<owner>/<repo>/<ref>
  std::string prefix = cache_repos_dir + "/";
  if (path.rfind(prefix, 0) == 0) {
    auto parts = util::split(path.substr(prefix.size()), '/');
    if (parts.size() >= 3 && !parts[0].empty() && !parts[1].empty()) return parts[0] + "/" + parts[1];
  }
  // (2) metadata.name
  if (!metadata_name.empty()) {
    if (metadata_name.find('/') != std::string::npos) return metadata_name;
    if (auto url = origin_url(path)) {
      if (auto o = owner_repo_from_url(*url)) return o->substr(0, o->find('/')) + "/" + metadata_name;
    }
    return metadata_name;
  }
  // (3) origin remote
  if (auto url = origin_url(path)) {
    if (auto o = owner_repo_from_url(*url)) return *o;
  }
  // (4) directory name
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace tako::repo
