#include "tako/proc/interrupt.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace tako::proc {

namespace {

// Lock-free atomics are async-signal-safe.
std::atomic<int> g_first_signal{0};
std::atomic<int> g_count{0};
std::atomic<int> g_write_fd{-1};
std::atomic<InterruptGuard*> g_active{nullptr};
static_assert(std::atomic<int>::is_always_lock_free);

struct sigaction g_old_int, g_old_term, g_old_pipe;

extern "C" void on_interrupt_signal(int sig) {
  int saved = errno;
  int expected = 0;
  if (g_first_signal.compare_exchange_strong(expected, sig)) {
    int fd = g_write_fd.load();
    if (fd >= 0) {
      char c = 1;
      [[maybe_unused]] ssize_t n = ::write(fd, &c, 1);
    }
  }
  g_count.fetch_add(1);
  errno = saved;
}

}  // namespace

InterruptGuard::InterruptGuard() {
  InterruptGuard* none = nullptr;
  if (!g_active.compare_exchange_strong(none, this)) {
    throw std::logic_error("proc::InterruptGuard: a guard is already installed");
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
    g_active.store(nullptr);
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  read_fd_ = fds[0];
  write_fd_ = fds[1];
  g_first_signal.store(0);
  g_count.store(0);
  g_write_fd.store(write_fd_);

  struct sigaction sa {};
  sa.sa_handler = on_interrupt_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &sa, &g_old_int);
  ::sigaction(SIGTERM, &sa, &g_old_term);
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  sigemptyset(&ign.sa_mask);
  ::sigaction(SIGPIPE, &ign, &g_old_pipe);
}

InterruptGuard::~InterruptGuard() {
  ::sigaction(SIGINT, &g_old_int, nullptr);
  ::sigaction(SIGTERM, &g_old_term, nullptr);
  ::sigaction(SIGPIPE, &g_old_pipe, nullptr);
  g_write_fd.store(-1);
  ::close(write_fd_);
  ::close(read_fd_);
  g_active.store(nullptr);
}

InterruptGuard* InterruptGuard::active() { return g_active.load(); }

bool InterruptGuard::interrupted() const { return g_first_signal.load() != 0; }
int InterruptGuard::signal() const { return g_first_signal.load(); }
int InterruptGuard::count() const { return g_count.load(); }
bool InterruptGuard::sleep_unless_interrupted(std::chrono::milliseconds timeout) const {
  pollfd p{read_fd_, POLLIN, 0};
  (void)::poll(&p, 1, static_cast<int>(timeout.count()));  // EINTR: the handler ran; the caller asks again
  return interrupted();
}

int InterruptGuard::exit_code() const {
  int s = g_first_signal.load();
  return s == 0 ? 0 : 128 + s;
}

}  // namespace tako::proc
