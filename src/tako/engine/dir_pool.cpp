#include "tako/engine/dir_pool.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

}  // namespace

Status DirPool::make_scratch(const std::string& path, unsigned mode) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISDIR(st.st_mode)) return Error{"mkdir " + path + ": not a directory"};
    return create_output(path);
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
  ::chmod(path.c_str(), mode);  // mkdir's mode is filtered by the umask; the SPEC's is exact
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
