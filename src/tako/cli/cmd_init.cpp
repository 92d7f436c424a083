// `tako init [--force]` (REFERENCE.md §1.12): writes a starter tako.yml at the top of the git
// working copy that holds the entry directory (--root or the current directory).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "tako/cli/commands.h"
#include "tako/cli/output.h"
#include "tako/cli/starter_config.h"
#include "tako/repo/git.h"
#include "tako/repo/identity.h"
#include "tako/repo/universe.h"

namespace fs = std::filesystem;

namespace tako::cli {

int cmd_init(const Invocation& inv) {
  auto dir = repo::entry_directory(inv.global.root);
  if (!dir) return report_error(dir.error().message);
  std::error_code ec;
  if (!fs::is_directory(*dir, ec)) return report_error("not a directory: " + *dir);
  repo::GitResult top = repo::run_git({"-C", *dir, "rev-parse", "--show-toplevel"});
  if (!top.ok() || top.trimmed().empty()) {
    return report_error("not a git repository: " + *dir + " (tako init writes tako.yml at the top of a git working copy)");
  }
  const std::string root = top.trimmed();
  const std::string path = root + "/tako.yml";
  const bool exists = fs::exists(fs::symlink_status(path, ec));
  if (exists && !inv.flag("force")) {
    return report_error("tako.yml already exists: " + path + " (use --force to overwrite it)");
  }
  StarterIdentity id = starter_identity(repo::origin_url(root), fs::path(root).filename().string());
  const std::string text = starter_config(id);
  // Written next to the target and renamed over it: an interrupted init never leaves half a file.
  const std::string tmp = path + ".tako-init.tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out.is_open()) {  // nothing of ours to clean up (the name may even be the user's directory)
      return report_error("could not write " + path + ": " + std::string(std::strerror(errno)));
    }
    out << text;
    out.close();
    if (!out) {
      const int err = errno;
      fs::remove(tmp, ec);
      return report_error("could not write " + path + ": " + std::string(std::strerror(err)));
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return report_error("could not write " + path + ": " + ec.message());
  }
  if (id.placeholder) {
    report_warning("no 'origin' remote with an owner/repo URL: metadata.name is the placeholder '" + id.name +
                   "'; edit it in " + path);
  }
  std::string msg = "Created " + path + " (metadata.name: " + id.name + ")\n";
  std::fwrite(msg.data(), 1, msg.size(), stdout);
  return 0;
}

}  // namespace tako::cli
