#include "tako/proc/supervisor.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

#include "tako/proc/interrupt.h"
#include "tako/util/event_fd.h"

namespace tako::proc {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Per fd and round, so one chatty child cannot starve the others.
constexpr int kMaxReadsPerRound = 16;
// Exit polling period for children without a pidfd.
constexpr auto kNoPidfdPoll = std::chrono::milliseconds(10);

int to_poll_ms(Clock::time_point now, std::optional<Clock::time_point> until) {
  if (!until) return -1;
  if (*until <= now) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(*until - now).count();
  return static_cast<int>(std::min<long long>(ms, 1 << 30));
}

void min_into(std::optional<Clock::time_point>& acc, std::optional<Clock::time_point> t) {
  if (t && (!acc || *t < *acc)) acc = t;
}

struct LoopGuard {
  bool& flag;
  explicit LoopGuard(bool& f) : flag(f) {
    if (flag) throw std::logic_error("proc::Supervisor: run/wait re-entered from a callback");
    flag = true;
  }
  ~LoopGuard() { flag = false; }
};

}  // namespace

Supervisor::Supervisor() : buf_(kReadChunk) {
  wake_fd_ = util::make_event_fd();
  if (!wake_fd_.valid()) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Supervisor::~Supervisor() {
  for (auto& [id, e] : children_) e->child.signal_group(SIGKILL);
  children_.clear();  // each Child reaps its leader
}

Supervisor::Entry* Supervisor::find(ChildId id) {
  auto it = children_.find(id);
  return it == children_.end() ? nullptr : it->second.get();
}

pid_t Supervisor::pid(ChildId id) const {
  auto it = children_.find(id);
  return it == children_.end() ? -1 : it->second->child.pid();
}

Result<ChildId> Supervisor::spawn(ChildSpec spec) {
  if (spec.capture_stdout) spec.spawn.stdout_mode = Stdio::Pipe;
  if (spec.capture_stderr) spec.spawn.stderr_mode = Stdio::Pipe;
  auto child = proc::spawn(spec.spawn);
  if (!child) return child.error();
  auto e = std::make_unique<Entry>();
  e->id = next_child_++;
  e->started = Clock::now();
  e->child = std::move(*child);
  e->out.fd = e->child.take_stdout();
  e->err.fd = e->child.take_stderr();
  e->out.capture = spec.capture_stdout;
  e->err.capture = spec.capture_stderr;
  if (spec.timeout) e->timeout_at = e->started + *spec.timeout;
  e->spec = std::move(spec);
  ChildId id = e->id;
  children_.emplace(id, std::move(e));
  return id;
}

bool Supervisor::signal(ChildId id, int sig) {
  Entry* e = find(id);
  return e && e->child.signal_group(sig);
}

bool Supervisor::terminate(ChildId id, std::optional<Nanos> grace) {
  Entry* e = find(id);
  if (!e) return false;
  e->terminated = true;
  notify_stop(*e);
  e->child.signal_group(SIGTERM);
  auto at = Clock::now() + grace.value_or(e->spec.kill_grace);
  if (!e->kill_at || at < *e->kill_at) e->kill_at = at;
  return true;
}

void Supervisor::terminate_all(std::optional<Nanos> grace) {
  for (auto& [id, e] : children_) terminate(id, grace);
}

void Supervisor::kill_all(int sig) {
  for (auto& [id, e] : children_) {
    e->terminated = true;
    e->child.signal_group(sig);
  }
}

TimerId Supervisor::add_timer(Clock::time_point when, std::function<void()> fn) {
  TimerId id = next_timer_++;
  timers_.emplace(id, Timer{when, std::move(fn)});
  return id;
}

void Supervisor::cancel_timer(TimerId id) { timers_.erase(id); }

void Supervisor::post(std::function<void()> fn) {
  {
    std::lock_guard lock(post_mu_);
    posted_.push_back(std::move(fn));
  }
  wake();
}

void Supervisor::wake() { util::signal_event_fd(wake_fd_.get()); }

bool Supervisor::run_until(const std::function<bool()>& done, std::optional<Clock::time_point> deadline) {
  LoopGuard guard(in_loop_);
  for (;;) {
    if (done()) return true;
    if (deadline && Clock::now() >= *deadline) return false;
    step(deadline);
  }
}

bool Supervisor::wait_all(std::optional<Clock::time_point> deadline) {
  return run_until([this] { return children_.empty(); }, deadline);
}

bool Supervisor::wait(ChildId id, std::optional<Clock::time_point> deadline) {
  return run_until([this, id] { return children_.count(id) == 0; }, deadline);
}

void Supervisor::run_once(Nanos max_wait) {
  LoopGuard guard(in_loop_);
  step(Clock::now() + max_wait);
}

void Supervisor::run_posted() {
  uint64_t v;
  while (::read(wake_fd_.get(), &v, sizeof v) > 0) {
  }
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard lock(post_mu_);
    tasks.swap(posted_);
  }
  for (auto& t : tasks) t();
}

void Supervisor::notify_stop(Entry& e) {
  if (e.exited || e.stop_notified || !e.spec.on_stop) return;
  e.stop_notified = true;
  post(e.spec.on_stop);  // posted: it may spawn, which must not happen while children_ is iterated
}

void Supervisor::handle_interrupt() {
  auto* g = InterruptGuard::active();
  if (!g || interrupt_seen_ || !g->interrupted()) return;
  interrupt_seen_ = g->signal();
  if (interrupt_handler_) {
    interrupt_handler_(interrupt_seen_);
  } else {
    terminate_all();
  }
}

void Supervisor::step(std::optional<Clock::time_point> until) {
  auto now = Clock::now();
  std::optional<Clock::time_point> wake_at = until;
  bool need_exit_poll = false;
  for (auto& [id, e] : children_) {
    if (!e->exited) {
      if (!e->timed_out) min_into(wake_at, e->timeout_at);
      if (e->child.pidfd() < 0) need_exit_poll = true;
    }
    min_into(wake_at, e->kill_at);
    min_into(wake_at, e->drain_until);
  }
  for (auto& [id, t] : timers_) min_into(wake_at, t.when);
  if (need_exit_poll) min_into(wake_at, now + kNoPidfdPoll);

  // Poll set: [wake][interrupt?] then per child its open pipes and pidfd.
  struct Slot {
    ChildId id;
    int kind;  // 0 stdout, 1 stderr, 2 pidfd
  };
  std::vector<pollfd> fds;
  std::vector<Slot> slots;
  fds.reserve(2 + children_.size() * 3);
  fds.push_back({wake_fd_.get(), POLLIN, 0});
  slots.push_back({0, -1});
  auto* guard = InterruptGuard::active();
  if (guard && !interrupt_seen_) {
    fds.push_back({guard->fd(), POLLIN, 0});
    slots.push_back({0, -2});
  }
  for (auto& [id, e] : children_) {
    if (e->out.fd.valid()) { fds.push_back({e->out.fd.get(), POLLIN, 0}); slots.push_back({id, 0}); }
    if (e->err.fd.valid()) { fds.push_back({e->err.fd.get(), POLLIN, 0}); slots.push_back({id, 1}); }
    if (!e->exited && e->child.pidfd() >= 0) {
      fds.push_back({e->child.pidfd(), POLLIN, 0});
      slots.push_back({id, 2});
    }
  }

  int rc = ::poll(fds.data(), fds.size(), to_poll_ms(now, wake_at));
  if (rc < 0 && errno != EINTR) throw std::system_error(errno, std::generic_category(), "poll");

  if (rc > 0) {
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const Slot& s = slots[i];
      if (s.kind == -1) {
        run_posted();
      } else if (s.kind == -2) {
        handle_interrupt();
      } else if (Entry* e = find(s.id)) {
        if (s.kind == 0) {
          read_stream(*e, Stream::Stdout);
        } else if (s.kind == 1) {
          read_stream(*e, Stream::Stderr);
        } else if (!e->exited) {
          if (auto st = e->child.peek()) on_leader_exit(*e, *st);
        }
      }
    }
  }
  // A signal may have arrived while we were not polling the guard (e.g. before the
  // first round); the flag is authoritative.
  if (guard && !interrupt_seen_ && guard->interrupted()) handle_interrupt();
  if (need_exit_poll) {
    for (auto& [id, e] : children_) {
      if (!e->exited && e->child.pidfd() < 0) {
        if (auto st = e->child.peek()) on_leader_exit(*e, *st);
      }
    }
  }
  now = Clock::now();
  check_deadlines(now);
  finish_ready();
  fire_timers(Clock::now());
}

void Supervisor::read_stream(Entry& e, Stream which) {
  StreamState& s = which == Stream::Stdout ? e.out : e.err;
  for (int i = 0; i < kMaxReadsPerRound && s.fd.valid(); ++i) {
    ssize_t n = ::read(s.fd.get(), buf_.data(), buf_.size());
    if (n > 0) {
      deliver(e, s, which, buf_.data(), static_cast<std::size_t>(n));
      if (static_cast<std::size_t>(n) < buf_.size()) return;  // drained for now
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    close_stream(e, s, which);  // EOF or error
    return;
  }
}

void Supervisor::deliver(Entry& e, StreamState& s, Stream which, const char* data, std::size_t n) {
  if (s.capture) s.captured.append(data, n);
  if (!e.spec.on_line) return;
  const std::size_t max_line = std::max<std::size_t>(e.spec.max_line_bytes, 1);
  std::size_t pos = 0;
  while (pos < n) {
    const char* start = data + pos;
    const void* nl = std::memchr(start, '\n', n - pos);
    if (!nl) {
      s.partial.append(start, n - pos);
      if (s.partial.size() >= max_line) flush_partial(e, s, which);
      return;
    }
    std::size_t len = static_cast<const char*>(nl) - start;
    if (s.partial.empty()) {
      e.spec.on_line(which, std::string_view(start, len), true);
    } else {
      s.partial.append(start, len);
      std::string line = std::move(s.partial);
      s.partial.clear();
      e.spec.on_line(which, line, true);
    }
    pos += len + 1;
  }
}

void Supervisor::flush_partial(Entry& e, StreamState& s, Stream which) {
  if (s.partial.empty()) return;
  std::string piece = std::move(s.partial);
  s.partial.clear();
  if (e.spec.on_line) e.spec.on_line(which, piece, false);
}

void Supervisor::close_stream(Entry& e, StreamState& s, Stream which) {
  s.fd.reset();
  flush_partial(e, s, which);
}

void Supervisor::on_leader_exit(Entry& e, const ExitStatus& /*st*/) {
  e.exited = true;
  auto now = Clock::now();
  e.elapsed = now - e.started;
  if (e.spec.kill_group_on_exit && e.child.pgid() > 0) e.child.signal_group(SIGKILL);
  if (e.out.fd.valid() || e.err.fd.valid()) e.drain_until = now + e.spec.drain_timeout;
}

void Supervisor::check_deadlines(Clock::time_point now) {
  for (auto& [id, ep] : children_) {
    Entry& e = *ep;
    if (!e.exited && !e.timed_out && e.timeout_at && now >= *e.timeout_at) {
      e.timed_out = true;
      notify_stop(e);
      e.child.signal_group(SIGTERM);
      auto at = now + e.spec.kill_grace;
      if (!e.kill_at || at < *e.kill_at) e.kill_at = at;
    }
    if (e.kill_at && now >= *e.kill_at) {
      e.kill_at.reset();
      e.child.signal_group(SIGKILL);
    }
    if (e.exited && e.drain_until && now >= *e.drain_until) {
      e.drain_until.reset();
      if (e.out.fd.valid()) close_stream(e, e.out, Stream::Stdout);
      if (e.err.fd.valid()) close_stream(e, e.err, Stream::Stderr);
    }
  }
}

void Supervisor::finish_ready() {
  std::vector<ChildId> done;
  for (auto& [id, e] : children_) {
    if (e->exited && !e->out.fd.valid() && !e->err.fd.valid()) done.push_back(id);
  }
  for (ChildId id : done) {
    auto it = children_.find(id);
    if (it == children_.end()) continue;
    std::unique_ptr<Entry> e = std::move(it->second);
    children_.erase(it);
    ExitInfo info;
    info.id = id;
    info.pid = e->child.pid();
    auto st = e->child.try_wait();  // reaps the zombie; never blocks here
    info.status = st ? *st : ExitStatus{};
    info.timed_out = e->timed_out;
    info.terminated = e->terminated;
    info.elapsed = e->elapsed;
    info.stdout_text = std::move(e->out.captured);
    info.stderr_text = std::move(e->err.captured);
    ExitFn fn = std::move(e->spec.on_exit);
    e.reset();
    if (fn) fn(info);
  }
}

void Supervisor::fire_timers(Clock::time_point now) {
  std::vector<std::pair<Clock::time_point, TimerId>> due;
  for (auto& [id, t] : timers_) {
    if (t.when <= now) due.emplace_back(t.when, id);
  }
  std::sort(due.begin(), due.end());
  for (auto& [when, id] : due) {
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;  // cancelled by an earlier timer
    auto fn = std::move(it->second.fn);
    timers_.erase(it);
    if (fn) fn();
  }
}

// ---------------------------------------------------------------------------

Result<Completed> run_capture(SpawnOptions options, std::optional<Nanos> timeout, Nanos kill_grace) {
  Supervisor sup;  // default interrupt handling: terminate the child
  Completed result;
  ChildSpec spec;
  spec.spawn = std::move(options);
  spec.capture_stdout = true;
  spec.capture_stderr = true;
  spec.timeout = timeout;
  spec.kill_grace = kill_grace;
  spec.on_exit = [&result](ExitInfo& info) {
    result.status = info.status;
    result.timed_out = info.timed_out;
    result.out = std::move(info.stdout_text);
    result.err = std::move(info.stderr_text);
  };
  auto id = sup.spawn(std::move(spec));
  if (!id) return id.error();
  sup.wait_all();
  return result;
}

}  // namespace tako::proc
