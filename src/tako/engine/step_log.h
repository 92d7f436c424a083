// The per-step log file `<workspace>/logs/<step-id>.log` (REFERENCE.md §2): masked lines in arrival
// order, each written with one write(2) so it is on disk (in the page cache) as it arrives.
// The file is created at the first line, not at step start: creating a file costs about as
// much as spawning a short step on some file systems, and most steps of a successful run are
// silent. A log left by an earlier attempt of the same step (resume) is emptied at start.
#pragma once

#include <mutex>
#include <string>
#include <string_view>

#include "tako/util/fs.h"

namespace tako::engine {

class StepLog {
 public:
  // Empties a log left by an earlier attempt (ENOENT, the usual case, is a cheap lookup).
  explicit StepLog(std::string path);

  // Appends line + "\n"; creates the file (0600) on the first call. Errors are ignored: a log
  // that cannot be written must not fail the step.
  void write_line(std::string_view line);

 private:
  std::mutex mu_;  // stdout and stderr lines may arrive from different threads
  std::string path_;
  util::UniqueFd fd_;
  bool opened_ = false;
};

}  // namespace tako::engine
