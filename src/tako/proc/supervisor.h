// A single-threaded event loop that runs many children at once (REFERENCE.md §6, §7.2, §7.4,
// §7.12, §10.9).
//
// THREADING MODEL: a Supervisor belongs to one thread, the one that calls its run_*/
// wait* functions ("the loop thread"). Every member function must be called from that
// thread, including from inside callbacks, EXCEPT post() and wake(), which are
// thread-safe and wake the loop through an eventfd. Other threads cancel or add work by
// posting a closure: sup.post([&] { sup.terminate_all(); }).
//
// Callbacks (on_line, on_exit, timers, posted closures, the interrupt handler) run on
// the loop thread inside run_*/wait*. They may call spawn(), signal(), terminate(),
// add_timer(), ... but must not re-enter run_*/wait* (throws std::logic_error), and
// must not throw.
//
// Per child: stdout and stderr pipes are drained continuously (no deadlock whatever the
// volume); each complete line is delivered (without its '\n') in arrival order, the
// final unterminated line with eol=false. A line longer than max_line_bytes is
// delivered in pieces with eol=false, so memory per child stays bounded. The exit
// callback runs after all output has been delivered.
//
// Exit detection uses a pidfd per child (falls back to polling waitid every 10 ms on
// kernels without pidfd_open). The leader is observed with WNOWAIT and reaped only when
// the child is finished, so its pgid cannot be recycled while we may still signal it.
//
// Interrupts: while an InterruptGuard is installed, the loop watches its fd. On the
// first SIGINT/SIGTERM it calls the interrupt handler (default: terminate_all(), i.e.
// SIGTERM to every child's process group and SIGKILL after the grace period).
#pragma once

#include <csignal>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/proc/spawn.h"

namespace tako::proc {

using namespace std::chrono_literals;

enum class Stream { Stdout, Stderr };

using ChildId = std::uint64_t;
using TimerId = std::uint64_t;

struct ExitInfo {
  ChildId id = 0;
  pid_t pid = -1;
  ExitStatus status{};
  bool timed_out = false;   // its timeout expired and the Supervisor terminated it
  bool terminated = false;  // terminate()/terminate_all()/kill_all() was called for it
  Nanos elapsed{0};         // from spawn to the leader's exit
  std::string stdout_text{};  // raw bytes, with ChildSpec::capture_stdout only
  std::string stderr_text{};  // raw bytes, with ChildSpec::capture_stderr only
};

// (stream, line without '\n', eol): eol=false for a final unterminated line or a piece of
// an over-long line.
using LineFn = std::function<void(Stream stream, std::string_view line, bool eol)>;
using ExitFn = std::function<void(ExitInfo& info)>;

struct ChildSpec {
  // What to run. Output of streams set to Stdio::Pipe is delivered to on_line/captured;
  // capture_* forces Stdio::Pipe for that stream.
  SpawnOptions spawn{};
  LineFn on_line{};
  ExitFn on_exit{};
  bool capture_stdout = false;
  bool capture_stderr = false;
  // Deadline: SIGTERM to the process group, then SIGKILL after kill_grace.
  std::optional<Nanos> timeout{};
  Nanos kill_grace = 5s;
  // When the leader exits, SIGKILL whatever is left in its process group (background
  // jobs), so nothing outlives the step. Only with spawn.new_process_group.
  bool kill_group_on_exit = true;
  // Runs once (posted to the loop thread, before the next round) when the Supervisor starts
  // ending the child: its timeout expired, or terminate()/terminate_all() was called. For a
  // process that does not end with its group (a container runtime's client: the container
  // lives elsewhere), so its owner can stop the rest.
  std::function<void()> on_stop{};
  // After the leader exited, how long to keep reading pipes that something else still
  // holds open (e.g. a process that moved to another group) before closing them.
  Nanos drain_timeout = 2s;
  std::size_t max_line_bytes = std::size_t{4} << 20;
};

class Supervisor {
 public:
  Supervisor();
  // SIGKILLs every remaining child's process group and reaps it; no callbacks run.
  ~Supervisor();
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  // Starts a child. The spawn error is returned; callbacks never run for it.
  Result<ChildId> spawn(ChildSpec spec);

  // Sends `sig` to the child's process group. False if the child is unknown/finished.
  bool signal(ChildId id, int sig);
  // SIGTERM to the group now, SIGKILL after `grace` (default: the child's kill_grace).
  bool terminate(ChildId id, std::optional<Nanos> grace = std::nullopt);
  void terminate_all(std::optional<Nanos> grace = std::nullopt);
  // `sig` (default SIGKILL) to every child's group right away.
  void kill_all(int sig = SIGKILL);

  bool running(ChildId id) const { return children_.count(id) != 0; }
  std::size_t active() const { return children_.size(); }
  pid_t pid(ChildId id) const;

  // One-shot timer on the loop thread. Timers do not keep wait_all() busy.
  TimerId add_timer(Clock::time_point when, std::function<void()> fn);
  void cancel_timer(TimerId id);

  // Runs the loop until done() is true (true) or `deadline` passes (false). done() is
  // checked before each round.
  bool run_until(const std::function<bool()>& done, std::optional<Clock::time_point> deadline = std::nullopt);
  // Until no child is left.
  bool wait_all(std::optional<Clock::time_point> deadline = std::nullopt);
  // Until child `id` has finished (its on_exit has run).
  bool wait(ChildId id, std::optional<Clock::time_point> deadline = std::nullopt);
  // One round: waits at most `max_wait` for something to happen and handles it.
  void run_once(Nanos max_wait);

  // Thread-safe: runs fn on the loop thread at the next round.
  void post(std::function<void()> fn);
  // Thread-safe: makes a blocked round return.
  void wake();

  // Called once on the loop thread when the InterruptGuard reports a signal. Default
  // (no handler set): terminate_all().
  void set_interrupt_handler(std::function<void(int sig)> fn) { interrupt_handler_ = std::move(fn); }
  // The signal handled so far (0 if none).
  int interrupted() const { return interrupt_seen_; }

 private:
  struct StreamState {
    util::UniqueFd fd;
    std::string partial;
    std::string captured;
    bool capture = false;
  };
  struct Entry {
    ChildId id = 0;
    ChildSpec spec;
    Child child;
    Clock::time_point started;
    Nanos elapsed{0};
    std::optional<Clock::time_point> timeout_at, kill_at, drain_until;
    bool exited = false, timed_out = false, terminated = false, stop_notified = false;
    StreamState out, err;
  };
  struct Timer {
    Clock::time_point when;
    std::function<void()> fn;
  };

  void step(std::optional<Clock::time_point> until);
  void read_stream(Entry& e, Stream which);
  void deliver(Entry& e, StreamState& s, Stream which, const char* data, std::size_t n);
  void flush_partial(Entry& e, StreamState& s, Stream which);
  void close_stream(Entry& e, StreamState& s, Stream which);
  void on_leader_exit(Entry& e, const ExitStatus& st);
  void check_deadlines(Clock::time_point now);
  void finish_ready();
  void fire_timers(Clock::time_point now);
  void run_posted();
  void handle_interrupt();
  void notify_stop(Entry& e);
  Entry* find(ChildId id);

  std::map<ChildId, std::unique_ptr<Entry>> children_;
  std::map<TimerId, Timer> timers_;
  ChildId next_child_ = 1;
  TimerId next_timer_ = 1;
  util::UniqueFd wake_fd_;  // eventfd
  std::mutex post_mu_;
  std::vector<std::function<void()>> posted_;
  bool in_loop_ = false;
  int interrupt_seen_ = 0;
  std::function<void(int)> interrupt_handler_;
  std::vector<char> buf_;
};

// Convenience for short helper commands (git, ...): runs to completion on a private
// Supervisor, capturing stdout and stderr. Blocks the calling thread.
struct Completed {
  ExitStatus status{};
  std::string out{};
  std::string err{};
  bool timed_out = false;
};
Result<Completed> run_capture(SpawnOptions options, std::optional<Nanos> timeout = std::nullopt,
                              Nanos kill_grace = 5s);

}  // namespace tako::proc
