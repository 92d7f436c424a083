// Starting one child process (posix_spawn, i.e. clone(CLONE_VM|CLONE_VFORK) in glibc:
// no page-table copy, cheap even from a large parent) and owning it until it is reaped.
//
// Children always start with default signal dispositions (also for signals tako
// ignores, such as SIGPIPE) and an empty signal mask. Children inherit only fds 0-2:
// every descriptor tako opens is O_CLOEXEC, and fds >= 3 that tako itself inherited
// are closed in the child (posix_spawn_file_actions_addclosefrom_np).
//
// Requirements on the rest of the process: SIGCHLD must not be set to SIG_IGN and no
// one may call waitpid(-1, ...), or children are reaped behind our back.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/proc/exit_status.h"
#include "tako/util/fs.h"
#include "tako/util/result.h"

namespace tako::proc {

using Clock = std::chrono::steady_clock;
using Nanos = std::chrono::nanoseconds;

enum class Stdio {
  Inherit,  // the parent's descriptor
  Null,     // /dev/null
  Pipe,     // a pipe whose read end the Child owns (stdout/stderr only)
};

struct SpawnOptions {
  // argv[0] is looked up in the parent's $PATH unless it contains a '/' (execvp).
  std::vector<std::string> argv{};
  // Working directory; empty = the parent's.
  std::string cwd{};
  // Complete environment as KEY=VALUE entries; nullopt = inherit the parent's.
  std::optional<std::vector<std::string>> env{};
  // setpgid(0, 0) in the child: it leads its own process group, so signals can reach
  // its whole subtree and terminal signals (Ctrl-C) go to tako only.
  bool new_process_group = true;
  Stdio stdin_mode = Stdio::Null;  // Pipe is not supported for stdin
  Stdio stdout_mode = Stdio::Inherit;
  Stdio stderr_mode = Stdio::Inherit;
};

// {"sh", "-c", command} and {"bash", "-c", command}.
std::vector<std::string> sh_command(std::string_view command);
std::vector<std::string> bash_command(std::string_view command);

// The current process environment as KEY=VALUE entries.
std::vector<std::string> current_environment();
// Sets (replaces or appends) / removes KEY in a KEY=VALUE list.
void env_set(std::vector<std::string>& env, std::string_view key, std::string_view value);
void env_unset(std::vector<std::string>& env, std::string_view key);
// Value of KEY, nullopt when absent.
std::optional<std::string> env_get(const std::vector<std::string>& env, std::string_view key);

// A started child. Move-only. The destructor never leaves a zombie: if the child has
// not been reaped, it SIGKILLs the child's process group (or the child, without its own
// group) and reaps it.
class Child {
 public:
  Child() = default;
  Child(Child&& o) noexcept;
  Child& operator=(Child&& o) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  ~Child();

  bool valid() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // Process group id (== pid) when started with new_process_group, else 0.
  pid_t pgid() const { return pgid_; }

  // Read ends of the stdout/stderr pipes (-1 unless Stdio::Pipe). Non-blocking, O_CLOEXEC.
  int stdout_fd() const { return out_.get(); }
  int stderr_fd() const { return err_.get(); }
  util::UniqueFd take_stdout() { return std::move(out_); }
  util::UniqueFd take_stderr() { return std::move(err_); }
  // A pidfd (readable once the child has exited), or -1 where the kernel has none.
  int pidfd() const { return pidfd_.get(); }

  // Sends `sig` to the child's process group (to the child alone without a group).
  // Returns false (and does nothing) once the child has been reaped, because the id
  // may then belong to somebody else.
  bool signal_group(int sig);
  // Sends `sig` to the child process only.
  bool signal_process(int sig);

  // Non-blocking: the exit status once the child has terminated, WITHOUT reaping it.
  // While unreaped, the zombie keeps the pid/pgid reserved, so signal_group() can still
  // safely reach grandchildren left in the group.
  std::optional<ExitStatus> peek();
  // Non-blocking reap.
  std::optional<ExitStatus> try_wait();
  // Blocking reap. Beware: with Stdio::Pipe, a child blocked on a full pipe never exits
  // unless someone drains it (use Supervisor or run_capture()).
  ExitStatus wait();
  // Waits up to `timeout` (pidfd poll; no busy spin). nullopt: still running.
  std::optional<ExitStatus> wait_for(Nanos timeout);

  bool reaped() const { return status_.has_value() && reaped_; }
  // Status after reaping (or after peek() saw the exit).
  const std::optional<ExitStatus>& status() const { return status_; }

 private:
  friend Result<Child> spawn(const SpawnOptions& options);
  void destroy() noexcept;
  void forget_group() noexcept;

  pid_t pid_ = -1;
  pid_t pgid_ = 0;
  util::UniqueFd out_, err_, pidfd_;
  std::optional<ExitStatus> status_;
  bool reaped_ = false;
};

// Starts a child. Errors (Go texts): `exec: "<name>": executable file not found in $PATH`,
// `fork/exec <path>: <reason>`, `chdir <dir>: <reason>`, `pipe: <reason>`.
Result<Child> spawn(const SpawnOptions& options);

namespace detail {
// Tests only: pretend the kernel has no pidfd_open (exercises the polling fallback).
void set_pidfd_disabled(bool disabled);
}  // namespace detail

}  // namespace tako::proc
