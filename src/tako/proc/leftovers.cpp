#include "tako/proc/leftovers.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <thread>

#include "tako/util/fs.h"

namespace tako::proc {

namespace {

using Clock = std::chrono::steady_clock;

// The whole of a /proc file; empty when it cannot be read (gone, another user's).
std::string read_proc_file(const std::string& path) {
  auto text = util::read_file(path);
  return text ? std::move(*text) : std::string();
}

// The state letter of /proc/<pid>/stat ("R", "S", "Z", ...): after the last ')', as the
// command name may hold anything. '\0' when the process is gone.
char state_of(pid_t pid) {
  std::string stat = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  size_t close = stat.rfind(')');
  if (close == std::string::npos || close + 2 >= stat.size()) return '\0';
  return stat[close + 2];
}

bool alive(pid_t pid) {
  char s = state_of(pid);
  return s != '\0' && s != 'Z' && s != 'X';
}

// The value of `key` (e.g. "TAKO_RUN_ID=") in a NUL-separated environment, if present.
std::optional<std::string_view> variable(std::string_view environ, std::string_view key) {
  while (!environ.empty()) {
    size_t end = environ.find('\0');
    std::string_view entry = environ.substr(0, end);
    if (entry.substr(0, key.size()) == key) return entry.substr(key.size());
    if (end == std::string_view::npos) break;
    environ.remove_prefix(end + 1);
  }
  return std::nullopt;
}

void signal_groups(const std::vector<Leftover>& found, int sig) {
  std::set<pid_t> groups;
  for (const Leftover& l : found) groups.insert(l.pgid);
  for (pid_t g : groups) ::killpg(g, sig);
  for (const Leftover& l : found) ::kill(l.pid, sig);  // in case it left its group
}

// Polls until no process carrying one of `steps` is alive. Identity comes from the
// environment each time, never from a pid seen earlier: that one may have been reused.
bool wait_gone(const std::set<StepRef>& steps, Clock::time_point deadline) {
  for (;;) {
    if (find_leftovers(steps).empty()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::vector<Leftover> find_leftovers(const std::set<StepRef>& steps) {
  std::vector<Leftover> found;
  if (steps.empty()) return found;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return found;
  const pid_t self = ::getpid();
  const pid_t own_group = ::getpgrp();
  while (dirent* e = ::readdir(proc)) {
    if (!std::isdigit(static_cast<unsigned char>(e->d_name[0]))) continue;
    const pid_t pid = pid_t(std::atol(e->d_name));
    if (pid <= 1 || pid == self) continue;
    const std::string env = read_proc_file(std::string("/proc/") + e->d_name + "/environ");
    auto run_id = variable(env, "TAKO_RUN_ID=");
    auto step_id = run_id ? variable(env, "TAKO_STEP_ID=") : std::nullopt;
    if (!step_id) continue;
    StepRef step{std::string(*run_id), std::string(*step_id)};
    if (steps.count(step) == 0 || !alive(pid)) continue;
    const pid_t pgid = ::getpgid(pid);
    if (pgid <= 1 || pgid == own_group) continue;
    std::string comm = read_proc_file(std::string("/proc/") + e->d_name + "/comm");
    while (!comm.empty() && comm.back() == '\n') comm.pop_back();
    found.push_back({pid, pgid, std::move(step), comm});
  }
  ::closedir(proc);
  std::sort(found.begin(), found.end(), [](const Leftover& a, const Leftover& b) { return a.pid < b.pid; });
  return found;
}

bool stop_leftovers(const std::vector<Leftover>& found, const std::set<StepRef>& steps,
                    std::chrono::milliseconds grace) {
  if (found.empty()) return true;
  signal_groups(found, SIGTERM);
  if (wait_gone(steps, Clock::now() + grace)) return true;
  signal_groups(find_leftovers(steps), SIGKILL);
  return wait_gone(steps, Clock::now() + std::chrono::seconds(2));
}

}  // namespace tako::proc
