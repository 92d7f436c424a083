#include "tako/cli/report_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "tako/state/liveness.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/fs.h"

namespace tako::cli {

Result<report::Timeline> load_timeline(const std::string& home, const std::string& run_id) {
  auto db = store::open_existing_store(store::store_path(home));  // readers never create it
  if (!db) return db.error();
  if (!*db) return fail("run '" + run_id + "' not found");
  // Two reads: a writer may commit in between, so the history can be a little newer than the
  // tree; the model only takes times from it, and a row about a run it does not know is unused.
  auto doc = store::load_tree(**db, run_id);
  if (!doc) return doc.error();
  auto history = store::tree_history(**db, run_id);
  if (!history) return history.error();
  const bool live = state::has_running_run(*doc) && state::owner_alive(*doc, home);
  state::Timestamp now = live ? state::now() : doc->updated_at;
  return report::build_timeline(*doc, *history, now);
}

Status write_output(const std::string& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    if (std::fflush(stdout) != 0) return fail("could not write to standard output: " + util::os_error_text(errno));
    return {};
  }
  auto failed = [&](int err) { return fail("could not write " + path + ": " + util::os_error_text(err)); };
  // A reader never sees half a file, and a failed write leaves the previous one in place.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  util::UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return failed(errno);
  size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return failed(err);
    }
    off += static_cast<size_t>(n);
  }
  if (::close(fd.release()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return failed(err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return failed(err);
  }
  return {};
}

}  // namespace tako::cli
