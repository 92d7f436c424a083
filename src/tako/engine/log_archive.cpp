#include "tako/engine/log_archive.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "tako/util/fs.h"

namespace fs = std::filesystem;

namespace tako::engine {

namespace {

Error move_error(const fs::path& from, const fs::path& to, const std::string& reason) {
  return Error{"move " + from.string() + " to " + to.string() + ": " + reason};
}

// Entries of `dir`, sorted (deterministic order of moves and errors).
std::vector<fs::directory_entry> entries(const fs::path& dir) {
  std::vector<fs::directory_entry> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e);
  std::sort(out.begin(), out.end());
  return out;
}

Status move_file(const fs::path& from, const fs::path& to) {
  if (std::rename(from.c_str(), to.c_str()) == 0) return {};
  if (errno != EXDEV) return move_error(from, to, util::os_error_text(errno));
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return move_error(from, to, ec.message());
  fs::remove(from, ec);  // copied: a leftover source is harmless (the workspace is removed next)
  return {};
}

// Moves directory `from` to `to`: one rename when `to` does not exist, else entry by entry.
Status move_dir(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  if (!fs::exists(to, ec)) {
    if (auto s = util::make_dirs(to.parent_path().string()); !s) return s.error();
    if (std::rename(from.c_str(), to.c_str()) == 0) return {};
    if (errno != EXDEV) return move_error(from, to, util::os_error_text(errno));
  }
  if (auto s = util::make_dirs(to.string()); !s) return s.error();
  for (const auto& e : entries(from)) {
    const fs::path target = to / e.path().filename();
    Status s = e.is_directory(ec) && !e.is_symlink(ec) ? move_dir(e.path(), target) : move_file(e.path(), target);
    if (!s) return s;
  }
  return {};
}

}  // namespace

std::string log_archive_dir(const std::string& home, const std::string& root_run_id) {
  return home + "/logs/" + root_run_id;
}

Status archive_logs(const std::string& workspace, const std::string& dest) {
  const fs::path ws(workspace);
  std::error_code ec;
  if (fs::is_directory(ws / "logs", ec)) {
    if (auto s = move_dir(ws / "logs", fs::path(dest) / "logs"); !s) return s;
  }
  if (fs::is_directory(ws / "children", ec)) {
    for (const auto& child : entries(ws / "children")) {
      if (!child.is_directory(ec) || child.is_symlink(ec)) continue;
      const std::string name = child.path().filename().string();
      if (auto s = archive_logs(child.path().string(), dest + "/children/" + name); !s) return s;
    }
  }
  return {};
}

Status remove_workspace(const std::string& workspace, const std::string& archive_dir) {
  if (auto s = archive_logs(workspace, archive_dir); !s) return s;
  std::error_code ec;
  fs::remove_all(workspace, ec);
  if (ec) return Error{"remove " + workspace + ": " + ec.message()};
  return {};
}

uint64_t tree_bytes(const std::string& path) {
  uint64_t total = 0;
  std::error_code ec;
  if (!fs::is_directory(fs::symlink_status(path, ec))) {
    return fs::is_regular_file(fs::symlink_status(path, ec)) ? fs::file_size(path, ec) : 0;
  }
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code fe;
    if (it->is_regular_file(fe) && !it->is_symlink(fe)) {
      auto n = it->file_size(fe);
      if (!fe) total += n;
    }
  }
  return total;
}

}  // namespace tako::engine
