#include "tako/state/liveness.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "tako/util/file_lock.h"

namespace tako::state {

std::string local_hostname() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

bool process_exists(std::int64_t pid) {
  if (pid <= 0 || pid > INT_MAX) return false;
  if (::kill(static_cast<pid_t>(pid), 0) == 0) return true;
  return errno == EPERM;
}

bool owner_alive(const StateDocument& doc, const std::string& home) {
  if (!util::FileLock::is_locked(util::run_lock_path(home, doc.root.run_id))) return false;
  if (doc.hostname == local_hostname() && !process_exists(doc.pid)) return false;
  return true;
}

bool has_running_run(const StateDocument& doc) {
  bool any = false;
  for_each_run(doc.root, [&](const RunNode& r, const RunNode*) {
    if (r.status == RunStatus::Running) any = true;
  });
  return any;
}

DisplayStatus display_status(const RunNode& run, bool owner_is_alive) {
  switch (run.status) {
    case RunStatus::Pending: return DisplayStatus::Pending;
    case RunStatus::Running: return owner_is_alive ? DisplayStatus::Running : DisplayStatus::Interrupted;
    case RunStatus::Completed: return DisplayStatus::Completed;
    case RunStatus::Failed: return DisplayStatus::Failed;
    case RunStatus::TimedOut: return DisplayStatus::TimedOut;
    case RunStatus::Cancelled: return DisplayStatus::Cancelled;
  }
  return DisplayStatus::Pending;
}

std::string_view to_string(DisplayStatus s) {
  switch (s) {
    case DisplayStatus::Pending: return "pending";
    case DisplayStatus::Running: return "running";
    case DisplayStatus::Completed: return "completed";
    case DisplayStatus::Failed: return "failed";
    case DisplayStatus::TimedOut: return "timed_out";
    case DisplayStatus::Cancelled: return "cancelled";
    case DisplayStatus::Interrupted: return "interrupted";
  }
  return "pending";
}

std::string to_upper(DisplayStatus s) {
  std::string out(to_string(s));
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

}  // namespace tako::state
