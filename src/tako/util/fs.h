// File-system helpers with Go-style error texts ("open <path>: no such file or
// directory") and RAII wrappers for descriptors and temporary directories.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "tako/util/result.h"

namespace tako::util {

// strerror(err) with its first letter lowercased, as Go prints OS errors.
std::string os_error_text(int err);

// Reads a whole file. Error: "open <path>: <reason>".
Result<std::string> read_file(const std::string& path);
Result<std::string> read_stdin();

// Writes `content` to `path` via a temporary sibling + fsync + rename.
Status write_file_atomic(const std::string& path, std::string_view content, unsigned mode = 0600);

// stat(2) follows symlinks: true for a directory / regular file or a symlink to one.
bool is_dir(const std::string& path);
bool is_file(const std::string& path);

// realpath(3): the absolute path with symlinks resolved, or nullopt when it cannot be resolved.
std::optional<std::string> real_path(const std::string& path);

// mkdir -p with `mode` for created directories. Error: "mkdir <path>: <reason>".
Status make_dirs(const std::string& path, unsigned mode = 0700);

// Owns a file descriptor; closes it on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }
  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release() { int fd = fd_; fd_ = -1; return fd; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

// A directory created under $TMPDIR (or /tmp) and removed recursively on destruction.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "tako");
  TempDir(TempDir&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }
  // Keeps the directory on destruction.
  std::string release() { std::string p = std::move(path_); path_.clear(); return p; }

 private:
  std::string path_;
};

}  // namespace tako::util
