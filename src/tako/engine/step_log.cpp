#include "tako/engine/step_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "tako/proc/line_output.h"

namespace tako::engine {

StepLog::StepLog(std::string path) : path_(std::move(path)) {
  int rc = ::truncate(path_.c_str(), 0);
  (void)rc;
}

void StepLog::write_line(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!opened_) {
    opened_ = true;
    constexpr int kFlags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW;
    fd_ = util::UniqueFd(::open(path_.c_str(), kFlags, 0600));
    if (!fd_.valid() && errno == ENOENT) {  // logs/ itself is created with the first log of a run
      if (auto slash = path_.find_last_of('/'); slash != std::string::npos && util::make_dirs(path_.substr(0, slash))) {
        fd_ = util::UniqueFd(::open(path_.c_str(), kFlags, 0600));
      }
    }
  }
  if (fd_.valid()) proc::write_line(fd_.get(), "", line);
}

}  // namespace tako::engine
