#include "tako/proc/group_keeper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>

#ifdef TAKO_COVERAGE_BUILD
extern "C" void __gcov_dump(void);
#endif

namespace tako::proc {

using util::os_error_text;
using util::UniqueFd;

namespace {

// One message per send() on a SOCK_SEQPACKET pair: boundaries are kept and a send of
// this size from several threads never interleaves.
struct Message {
  std::int32_t op;
  std::int32_t pgid;
};
constexpr std::int32_t kTrack = 1;
constexpr std::int32_t kUntrack = 2;
constexpr std::int32_t kDisarm = 3;

// Groups the keeper can hold at once; more than tako ever runs (each costs tako 3 fds).
constexpr std::size_t kCapacity = 1 << 16;

// tako's end of the socket of the installed keeper; -1 without one, -2 while starting.
std::atomic<int> g_fd{-1};

void send_message(int fd, std::int32_t op, pid_t pgid) {
  Message m{op, static_cast<std::int32_t>(pgid)};
  // MSG_NOSIGNAL: a keeper that is gone must not kill tako with SIGPIPE. Errors are
  // ignored: without a keeper tako runs as it did before keepers existed.
  while (::send(fd, &m, sizeof m, MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

// --- The keeper process (after fork): async-signal-safe calls only. ---

long long now_ms() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void close_from(int first) {
#ifdef SYS_close_range
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0U) == 0) return;
#endif
  rlimit rl{};
  long last = 65536;
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < 65536) {
    last = static_cast<long>(rl.rlim_cur);
  }
  for (long fd = first; fd < last; ++fd) ::close(static_cast<int>(fd));
}

void set_disposition(int sig, void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
}

// SIGTERM (and SIGCONT, so a stopped group sees it) to every group, SIGKILL to the
// groups still there after `grace_ms`.
void end_groups(pid_t* groups, std::size_t n, long long grace_ms) {
  for (std::size_t i = 0; i < n; ++i) {
    if (::kill(-groups[i], SIGTERM) != 0) {
      groups[i] = 0;  // already gone
    } else {
      ::kill(-groups[i], SIGCONT);
    }
  }
  const long long deadline = now_ms() + grace_ms;
  for (;;) {
    bool any = false;
    for (std::size_t i = 0; i < n; ++i) {
      if (groups[i] == 0) continue;
      if (::kill(-groups[i], 0) != 0 && errno == ESRCH) {
        groups[i] = 0;
      } else {
        any = true;
      }
    }
    if (!any || now_ms() >= deadline) break;
    timespec pause{0, 10 * 1000 * 1000};
    ::nanosleep(&pause, nullptr);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (groups[i] != 0) ::kill(-groups[i], SIGKILL);
  }
}

[[noreturn]] void keeper_main(int sock, long long grace_ms) {
  // Own process group: terminal signals (Ctrl-C) go to tako, which then ends normally.
  ::setpgid(0, 0);
  for (int sig : {SIGINT, SIGQUIT, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE}) set_disposition(sig, SIG_IGN);
  // tako's handlers would write to descriptors the keeper no longer has.
  set_disposition(SIGTERM, SIG_DFL);
  set_disposition(SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::prctl(PR_SET_NAME, "tako-keeper", 0, 0, 0);

  // Keep nothing of tako's: 0-2 become /dev/null (they may be a caller's pipe that must
  // see EOF when tako ends), the socket becomes fd 3, everything else is closed (locks,
  // state files, pipes of other steps).
  int nul = ::open("/dev/null", O_RDWR);
  if (nul >= 0) {
    for (int fd = 0; fd < 3; ++fd) {
      if (nul != fd) ::dup2(nul, fd);
    }
  }
  if (sock != 3) ::dup2(sock, 3);  // sock >= 3 (lifted before the fork)
  close_from(4);

  static pid_t groups[kCapacity];  // .bss: only the pages used are ever touched
  std::size_t n = 0;
  bool disarmed = false;
  for (;;) {
    Message m{};
    ssize_t k = ::recv(3, &m, sizeof m, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) break;  // tako's end closed: tako is gone (or done)
    if (k != static_cast<ssize_t>(sizeof m)) continue;
    if (m.op == kTrack) {
      if (n < kCapacity && m.pgid > 1) groups[n++] = m.pgid;
    } else if (m.op == kUntrack) {
      for (std::size_t i = n; i-- > 0;) {
        if (groups[i] == m.pgid) {
          groups[i] = groups[--n];
          break;
        }
      }
    } else if (m.op == kDisarm) {
      disarmed = true;
    }
  }
  if (!disarmed) end_groups(groups, n, grace_ms);
#ifdef TAKO_COVERAGE_BUILD
  // _exit skips gcov's exit handler; a coverage build writes the keeper's counters first.
  __gcov_dump();
#endif
  ::_exit(0);
}

int lift_fd(int fd) {
  if (fd < 0 || fd >= 3) return fd;
  int n = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return n;
}

}  // namespace

Result<std::unique_ptr<GroupKeeper>> GroupKeeper::start(Options options) {
  int expected = -1;
  if (!g_fd.compare_exchange_strong(expected, -2)) return Error{"keeper: a keeper is already installed"};
  auto fail = [](std::string what, int err) -> Error {
    g_fd.store(-1);
    return Error{"keeper: " + what + ": " + os_error_text(err)};
  };
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) return fail("socketpair", errno);
  UniqueFd mine(lift_fd(sv[0]));
  UniqueFd theirs(lift_fd(sv[1]));
  if (!mine.valid() || !theirs.valid()) return fail("socketpair", errno);

  pid_t pid = ::fork();
  if (pid < 0) return fail("fork", errno);
  if (pid == 0) {
    ::close(mine.get());
    keeper_main(theirs.get(), options.term_grace.count());
  }
  // Also from this side, so no terminal signal can reach it before it has its own group.
  ::setpgid(pid, pid);
  theirs.reset();
  std::unique_ptr<GroupKeeper> keeper(new GroupKeeper(pid, std::move(mine)));
  g_fd.store(keeper->fd_.get());
  return keeper;
}

std::unique_ptr<GroupKeeper> GroupKeeper::start_or_warn() {
  auto keeper = start();
  if (keeper) return std::move(*keeper);
  std::string line = "warning: " + keeper.error().message + "; steps keep running if tako is killed\n";
  (void)!::write(2, line.data(), line.size());
  return nullptr;
}

GroupKeeper::~GroupKeeper() {
  g_fd.store(-1);
  if (fd_.valid()) send_message(fd_.get(), kDisarm, 0);
  fd_.reset();
  if (pid_ > 0) {
    int st = 0;
    while (::waitpid(pid_, &st, 0) < 0 && errno == EINTR) {
    }
  }
}

bool GroupKeeper::installed() { return g_fd.load() >= 0; }

namespace detail {

void keeper_track(pid_t pgid) {
  int fd = g_fd.load();
  if (fd >= 0 && pgid > 1) send_message(fd, kTrack, pgid);
}

void keeper_untrack(pid_t pgid) {
  int fd = g_fd.load();
  if (fd >= 0 && pgid > 1) send_message(fd, kUntrack, pgid);
}

}  // namespace detail

}  // namespace tako::proc
