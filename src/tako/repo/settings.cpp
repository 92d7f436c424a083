#include "tako/repo/settings.h"

#include <cstdlib>
#include <filesystem>

namespace tako::repo {

std::string expand_path(const std::string& path) {
  std::string p = path;
  if (p == "~" || p.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    if (home != nullptr && *home != '\0') p = std::string(home) + p.substr(1);
  }
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(p, ec);
  if (ec) return p;
  return abs.lexically_normal().string();
}

Result<Settings> make_settings(const std::optional<std::string>& cache_dir_flag, bool local) {
  Settings s;
  const char* th = std::getenv("TAKO_HOME");
  const char* home = std::getenv("HOME");
  if (th != nullptr && *th != '\0') {
    s.home = expand_path(th);
  } else if (home != nullptr && *home != '\0') {
    s.home = expand_path(std::string(home) + "/.tako");
  } else {
    return Error{"TAKO_E004: could not determine home directory; set TAKO_HOME or HOME"};
  }
  while (s.home.size() > 1 && s.home.back() == '/') s.home.pop_back();
  s.cache_dir = cache_dir_flag ? expand_path(*cache_dir_flag) : s.home + "/cache";
  while (s.cache_dir.size() > 1 && s.cache_dir.back() == '/') s.cache_dir.pop_back();
  s.local = local;
  const char* tmpl = std::getenv("TAKO_REMOTE_URL_TEMPLATE");
  s.url_template = (tmpl != nullptr && *tmpl != '\0') ? tmpl : "https://github.com/{owner}/{repo}.git";
  return s;
}

}  // namespace tako::repo
