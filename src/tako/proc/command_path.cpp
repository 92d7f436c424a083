#include "tako/proc/command_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <unordered_map>

namespace tako::proc {

std::optional<std::string> search_path(std::string_view name, std::string_view path) {
  if (name.empty() || name.find('/') != std::string_view::npos) return std::nullopt;
  size_t start = 0;
  for (;;) {
    size_t end = path.find(':', start);
    std::string_view dir = path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (dir.empty() || dir.front() != '/') return std::nullopt;
    std::string candidate(dir);
    if (candidate.back() != '/') candidate += '/';
    candidate.append(name);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (end == std::string_view::npos) return std::nullopt;
    start = end + 1;
  }
}

namespace {

struct Hash {
  std::mutex mu;
  std::string path;  // the $PATH the entries were found with
  std::unordered_map<std::string, std::string> found;
};

Hash& hash() {
  static Hash h;
  return h;
}

}  // namespace

std::optional<std::string> command_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;  // execvp's default search path: leave it to posix_spawnp
  Hash& h = hash();
  std::lock_guard<std::mutex> lock(h.mu);
  if (h.path != path) {
    h.found.clear();
    h.path = path;
  }
  if (auto it = h.found.find(name); it != h.found.end()) return it->second;
  auto where = search_path(name, h.path);
  if (where) h.found.emplace(name, *where);
  return where;
}

void forget_command_path(const std::string& name) {
  Hash& h = hash();
  std::lock_guard<std::mutex> lock(h.mu);
  h.found.erase(name);
}

}  // namespace tako::proc
