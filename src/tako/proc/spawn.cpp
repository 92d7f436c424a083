#include "tako/proc/spawn.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <thread>

#include "tako/proc/command_path.h"
#include "tako/proc/group_keeper.h"

extern char** environ;

namespace tako::proc {

using util::os_error_text;
using util::UniqueFd;

std::vector<std::string> sh_command(std::string_view command) {
  return {"sh", "-c", std::string(command)};
}

std::vector<std::string> bash_command(std::string_view command) {
  return {"bash", "-c", std::string(command)};
}

std::vector<std::string> current_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

namespace {

bool has_key(const std::string& entry, std::string_view key) {
  return entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 && entry[key.size()] == '=';
}

}  // namespace

void env_set(std::vector<std::string>& env, std::string_view key, std::string_view value) {
  std::string entry;
  entry.reserve(key.size() + 1 + value.size());
  entry.append(key).append("=").append(value);
  bool replaced = false;
  for (auto it = env.begin(); it != env.end();) {
    if (has_key(*it, key)) {
      if (!replaced) {
        *it = entry;
        replaced = true;
        ++it;
      } else {
        it = env.erase(it);  // drop duplicates so the value is unambiguous
      }
    } else {
      ++it;
    }
  }
  if (!replaced) env.push_back(std::move(entry));
}

void env_unset(std::vector<std::string>& env, std::string_view key) {
  std::erase_if(env, [&](const std::string& e) { return has_key(e, key); });
}

std::optional<std::string> env_get(const std::vector<std::string>& env, std::string_view key) {
  for (const auto& e : env) {
    if (has_key(e, key)) return e.substr(key.size() + 1);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Child

Child::Child(Child&& o) noexcept
    : pid_(std::exchange(o.pid_, -1)),
      pgid_(std::exchange(o.pgid_, 0)),
      out_(std::move(o.out_)),
      err_(std::move(o.err_)),
      pidfd_(std::move(o.pidfd_)),
      status_(std::exchange(o.status_, std::nullopt)),
      reaped_(std::exchange(o.reaped_, false)) {}

Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    destroy();
    pid_ = std::exchange(o.pid_, -1);
    pgid_ = std::exchange(o.pgid_, 0);
    out_ = std::move(o.out_);
    err_ = std::move(o.err_);
    pidfd_ = std::move(o.pidfd_);
    status_ = std::exchange(o.status_, std::nullopt);
    reaped_ = std::exchange(o.reaped_, false);
  }
  return *this;
}

Child::~Child() { destroy(); }

void Child::destroy() noexcept {
  if (pid_ > 0 && !reaped_) {
    signal_group(SIGKILL);
    if (pgid_ > 0) ::kill(pid_, SIGKILL);  // in case it left its group
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    forget_group();
  }
  out_.reset();
  err_.reset();
  pidfd_.reset();
  pid_ = -1;
}

// The leader is reaped: its id may be reused from now on, so the keeper must no longer
// end that group if tako dies. (Between the reap and this message the group is empty
// or only holds processes of this step, which the keeper may end.)
void Child::forget_group() noexcept {
  if (pgid_ > 0) detail::keeper_untrack(pgid_);
}

bool Child::signal_group(int sig) {
  if (pid_ <= 0 || reaped_) return false;
  return ::kill(pgid_ > 0 ? -pgid_ : pid_, sig) == 0;
}

bool Child::signal_process(int sig) {
  if (pid_ <= 0 || reaped_) return false;
  return ::kill(pid_, sig) == 0;
}

std::optional<ExitStatus> Child::peek() {
  if (pid_ <= 0) return std::nullopt;
  if (status_) return status_;
  siginfo_t si{};
  int rc;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG | WNOWAIT);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    // ECHILD: reaped behind our back (SIGCHLD ignored or waitpid(-1)). Report it as
    // gone, or a pidfd poller would spin forever.
    status_ = ExitStatus{};
    reaped_ = true;
    forget_group();
    return status_;
  }
  if (si.si_pid == 0) return std::nullopt;
  status_ = ExitStatus::from_siginfo(si.si_code, si.si_status);
  return status_;
}

std::optional<ExitStatus> Child::try_wait() {
  if (pid_ <= 0) return std::nullopt;
  if (reaped_) return status_;
  siginfo_t si{};
  int rc;
  do {
    rc = ::waitid(P_PID, static_cast<id_t>(pid_), &si, WEXITED | WNOHANG);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) {
    // ECHILD: somebody else reaped it (SIGCHLD ignored or waitpid(-1)). Treat as gone.
    if (!status_) status_ = ExitStatus{};
    reaped_ = true;
    forget_group();
    return status_;
  }
  if (si.si_pid == 0) return std::nullopt;
  status_ = ExitStatus::from_siginfo(si.si_code, si.si_status);
  reaped_ = true;
  forget_group();
  return status_;
}

ExitStatus Child::wait() {
  for (;;) {
    if (auto st = wait_for(std::chrono::hours(24))) return *st;
  }
}

std::optional<ExitStatus> Child::wait_for(Nanos timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = Clock::now() + timeout;
  auto backoff = std::chrono::milliseconds(1);
  for (;;) {
    if (auto st = try_wait()) return st;
    auto now = Clock::now();
    if (now >= deadline) return std::nullopt;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now);
    if (pidfd_.valid()) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    } else {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(backoff, left));
      backoff = std::min(backoff * 2, std::chrono::milliseconds(20));
    }
  }
}

// ---------------------------------------------------------------------------
// spawn

namespace {

// Moves fd to >= 3 (so dup2 onto 0-2 in the child never is a no-op) and keeps O_CLOEXEC.
int lift_fd(int fd) {
  if (fd >= 3) return fd;
  int n = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return n;
}

Status make_pipe(UniqueFd& read_end, UniqueFd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error{"pipe: " + os_error_text(errno)};
  int r = lift_fd(fds[0]);
  int w = lift_fd(fds[1]);
  read_end.reset(r);
  write_end.reset(w);
  if (r < 0 || w < 0) return Error{"pipe: " + os_error_text(errno)};
  ::fcntl(r, F_SETFL, ::fcntl(r, F_GETFL) | O_NONBLOCK);
  return {};
}

// RAII for the posix_spawn attribute objects.
struct SpawnAttrs {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnAttrs() {
    posix_spawnattr_init(&attr);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnAttrs() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnAttrs(const SpawnAttrs&) = delete;
  SpawnAttrs& operator=(const SpawnAttrs&) = delete;
};

std::atomic<bool> g_pidfd_disabled{false};

int open_pidfd(pid_t pid) {
  if (g_pidfd_disabled.load(std::memory_order_relaxed)) return -1;
#ifdef SYS_pidfd_open
  long fd = ::syscall(SYS_pidfd_open, pid, 0);
  return fd < 0 ? -1 : static_cast<int>(fd);  // pidfds are always close-on-exec
#else
  (void)pid;
  return -1;
#endif
}

}  // namespace

namespace detail {
void set_pidfd_disabled(bool disabled) { g_pidfd_disabled.store(disabled); }
}  // namespace detail

Result<Child> spawn(const SpawnOptions& options) {
  if (options.argv.empty() || options.argv[0].empty()) return Error{"exec: no command"};
  if (options.stdin_mode == Stdio::Pipe) return Error{"spawn: stdin pipes are not supported"};
  const std::string& name = options.argv[0];

  if (!options.cwd.empty()) {
    struct stat st {};
    if (::stat(options.cwd.c_str(), &st) != 0) {
      return Error{"chdir " + options.cwd + ": " + os_error_text(errno)};
    }
    if (!S_ISDIR(st.st_mode)) return Error{"chdir " + options.cwd + ": not a directory"};
  }

  SpawnAttrs sa;
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&sa.attr, 0);
  }
  posix_spawnattr_setflags(&sa.attr, flags);
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  // sigfillset leaves out glibc's internal signals (32, 33), and posix_spawn would then
  // hand them to the new program as SIG_IGN; reset them to SIG_DFL as well.
  for (int sig = SIGRTMIN > 32 ? 32 : SIGRTMIN; sig < SIGRTMIN; ++sig) {
    all.__val[(sig - 1) / (8 * sizeof(unsigned long))] |= 1UL << ((sig - 1) % (8 * sizeof(unsigned long)));
  }
  posix_spawnattr_setsigmask(&sa.attr, &empty);
  posix_spawnattr_setsigdefault(&sa.attr, &all);  // also undoes SIG_IGN (SIGPIPE)

  if (!options.cwd.empty()) posix_spawn_file_actions_addchdir_np(&sa.actions, options.cwd.c_str());

  if (options.stdin_mode == Stdio::Null) {
    posix_spawn_file_actions_addopen(&sa.actions, 0, "/dev/null", O_RDONLY, 0);
  }

  Child child;
  UniqueFd out_w, err_w;
  auto setup_out = [&](Stdio mode, int target, UniqueFd& read_end, UniqueFd& write_end) -> Status {
    if (mode == Stdio::Null) {
      posix_spawn_file_actions_addopen(&sa.actions, target, "/dev/null", O_WRONLY, 0);
    } else if (mode == Stdio::Pipe) {
      auto st = make_pipe(read_end, write_end);
      if (!st) return st;
      posix_spawn_file_actions_adddup2(&sa.actions, write_end.get(), target);
    }
    return {};
  };
  if (auto st = setup_out(options.stdout_mode, 1, child.out_, out_w); !st) return st.error();
  if (auto st = setup_out(options.stderr_mode, 2, child.err_, err_w); !st) return st.error();

  // Descriptors tako itself inherited without O_CLOEXEC must not reach children either.
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
  posix_spawn_file_actions_addclosefrom_np(&sa.actions, 3);
#endif

  std::vector<char*> argv;
  argv.reserve(options.argv.size() + 1);
  for (const auto& a : options.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  std::vector<char*> envp;
  char** env = environ;
  if (options.env) {
    envp.reserve(options.env->size() + 1);
    for (const auto& e : *options.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    env = envp.data();
  }

  pid_t pid = -1;
  int rc = -1;
  if (auto where = command_path(name)) {
    rc = ::posix_spawn(&pid, where->c_str(), &sa.actions, &sa.attr, argv.data(), env);
    if (rc != 0) forget_command_path(name);  // gone or changed: the full search decides
  }
  if (rc != 0) rc = ::posix_spawnp(&pid, name.c_str(), &sa.actions, &sa.attr, argv.data(), env);
  if (rc != 0) {
    if (rc == ENOENT && name.find('/') == std::string::npos) {
      return Error{"exec: \"" + name + "\": executable file not found in $PATH"};
    }
    return Error{"fork/exec " + name + ": " + os_error_text(rc)};
  }
  child.pid_ = pid;
  child.pgid_ = options.new_process_group ? pid : 0;
  // From here on the group is ended by the keeper if tako dies (group_keeper.h).
  if (child.pgid_ > 0) detail::keeper_track(child.pgid_);
  child.pidfd_.reset(open_pidfd(pid));
  return child;  // write ends close here; the child holds its own copies
}

}  // namespace tako::proc
