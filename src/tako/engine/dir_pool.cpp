#include "tako/engine/dir_pool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>
#include <vector>

#include "tako/util/fs.h"

namespace tako::engine {

namespace {

constexpr const char* kOutput = "output";

// True when the directory holds exactly one entry, an empty regular file `output`.
bool is_pristine(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = ::fdopendir(fd);
  if (d == nullptr) {
    ::close(fd);
    return false;
  }
  bool has_output = false, other = false;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    if (std::strcmp(e->d_name, kOutput) != 0) {
      other = true;
      break;
    }
    struct stat st {};
    has_output = ::fstatat(fd, kOutput, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) && st.st_size == 0;
    if (!has_output) break;
  }
  ::closedir(d);
  return has_output && !other;
}

Status create_output(const std::string& dir) {
  const std::string file = dir + "/" + kOutput;
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0) return Error{"open " + file + ": " + util::os_error_text(errno)};
  ::close(fd);
  return {};
}

// The names in `dir` (without . and ..), or nullopt when it cannot be read.
std::optional<std::vector<std::string>> entries(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return std::nullopt;
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.emplace_back(e->d_name);
  }
  ::closedir(d);
  return names;
}

// "<ws>/tmp/<step>" -> {"<ws>", "<step>"}; nullopt for other shapes.
std::optional<std::pair<std::string, std::string>> split_scratch(const std::string& path) {
  auto slash = path.find_last_of('/');
  if (slash == std::string::npos || slash < 5 || path.compare(slash - 4, 4, "/tmp") != 0) return std::nullopt;
  return std::make_pair(path.substr(0, slash - 4), path.substr(slash + 1));
}

}  // namespace

void DirPool::retire_workspace(const std::string& ws) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (spare_workspaces_.size() >= kMaxSpares) return;
  }
  auto top = entries(ws);
  if (!top || top->size() != 1 || (*top)[0] != "tmp") return;
  const std::string tmp = ws + "/tmp";
  struct stat st {};
  if (::lstat(tmp.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return;
  auto names = entries(tmp);
  if (!names) return;
  for (const auto& n : *names) {
    if (!is_pristine(tmp + "/" + n)) return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  // Its scratch dirs leave the loose spares: they move with the workspace.
  const std::string inside = tmp + "/";
  std::erase_if(spares_, [&](const std::string& p) { return p.starts_with(inside); });
  if (spare_workspaces_.size() < kMaxSpares) spare_workspaces_.push_back({ws, std::move(*names)});
}

bool DirPool::adopt_workspace(const std::string& ws, const std::string& step, unsigned mode) {
  for (;;) {
    SpareWorkspace spare;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (spare_workspaces_.empty()) return false;
      spare = std::move(spare_workspaces_.back());
      spare_workspaces_.pop_back();
    }
    if (::rename(spare.path.c_str(), ws.c_str()) != 0) {
      if (errno == EEXIST || errno == ENOTEMPTY) return false;  // `ws` appeared meanwhile: use it as is
      continue;  // the spare vanished: try the next
    }
    const std::string tmp = ws + "/tmp/";
    const std::string target = tmp + step;
    bool have = false;
    for (const auto& n : spare.scratch) {
      if (n == step || (!have && ::rename((tmp + n).c_str(), target.c_str()) == 0)) {
        have = true;
      } else {
        std::lock_guard<std::mutex> lock(mu_);
        if (spares_.size() < kMaxSpares) spares_.push_back(tmp + n);  // left over: a loose spare
      }
    }
    if (!have) return true;  // the caller makes the scratch dir in the adopted tmp/
    ::chmod(target.c_str(), mode);
    return true;
  }
}

Status DirPool::make_scratch(const std::string& path, unsigned mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Error{"mkdir " + path + ": not a directory"};
    return create_output(path);
  }
  if (auto parts = split_scratch(path)) {
    const std::string& ws = parts->first;
    if (::lstat(ws.c_str(), &st) != 0 && errno == ENOENT) {
      if (auto slash = ws.find_last_of('/'); slash != std::string::npos && slash > 0) {
        if (auto s = util::make_dirs(ws.substr(0, slash), 0700); !s) return s;
      }
      if (adopt_workspace(ws, parts->second, mode) && ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        return {};
      }
    }
  }
  if (auto slash = path.find_last_of('/'); slash != std::string::npos && slash > 0) {
    if (auto s = util::make_dirs(path.substr(0, slash), 0700); !s) return s;
  }
  for (;;) {
    std::string spare;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (spares_.empty()) break;
      spare = std::move(spares_.back());
      spares_.pop_back();
    }
    // A spare that vanished (its workspace was removed) or cannot move here is just dropped.
    if (::rename(spare.c_str(), path.c_str()) == 0) {
      ::chmod(path.c_str(), mode);
      return {};
    }
  }
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return Error{"mkdir " + path + ": " + util::os_error_text(errno)};
  }
  ::chmod(path.c_str(), mode);  // mkdir's mode is filtered by the umask; the reference's is exact
  return create_output(path);
}

void DirPool::retire(const std::string& path) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (spares_.size() >= kMaxSpares) return;
  }
  if (!is_pristine(path)) return;
  std::lock_guard<std::mutex> lock(mu_);
  if (spares_.size() < kMaxSpares) spares_.push_back(path);
}

}  // namespace tako::engine
