#include "tako/engine/command_runner.h"

#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "tako/engine/repo_lock.h"
#include "tako/proc/interrupt.h"
#include "tako/proc/line_output.h"
#include "tako/proc/supervisor.h"
#include "tako/util/console.h"
#include "tako/util/event_fd.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

// Writes a whole line with one write(2), so parallel output never interleaves mid-line.
void emit(int fd, const std::string& text) {
  if (fd == STDOUT_FILENO) std::fflush(stdout);
  util::console_write(fd, text);  // above the progress line, when one is drawn
}

enum class State { Pending, Locking, Running, Succeeded, Failed, Skipped, NotStarted };

struct NodeRun {
  State state = State::Pending;
  std::string error;       // "exit status 1", ...
  std::string cause;       // for Skipped: the failed upstream repository
  proc::ExitStatus exit{};  // when the command ran
  bool exited = false;
  util::Nanos elapsed{0};
  std::unique_ptr<RepoLock> lock;
};

// Threads that wait for busy repository locks, so the loop keeps printing the running
// commands' output (and starting others) meanwhile. Joined on every way out of run_command.
struct LockWaiters {
  util::UniqueFd cancel = util::make_event_fd();  // readable: give up waiting
  std::vector<std::thread> threads;
  void cancel_all() { util::signal_event_fd(cancel.get()); }
  ~LockWaiters() {
    cancel_all();
    for (auto& t : threads) t.join();
  }
};

}  // namespace

const char* to_string(RepoOutcome::Kind kind) {
  switch (kind) {
    case RepoOutcome::Kind::Succeeded: return "succeeded";
    case RepoOutcome::Kind::Failed: return "failed";
    case RepoOutcome::Kind::Skipped: return "skipped";
    case RepoOutcome::Kind::NotStarted: break;
  }
  return "not_started";
}

CommandRunResult run_command(const graph::Graph& g, const CommandRunOptions& opt) {
  CommandRunResult result;
  const auto run_start = std::chrono::steady_clock::now();
  const int out_fd = opt.stdout_to_stderr ? STDERR_FILENO : STDOUT_FILENO;
  const std::vector<int> order = graph::topological_order(g);
  std::vector<std::vector<int>> parents(g.size());
  for (const auto& e : g.edges()) parents[size_t(e.to)].push_back(e.from);
  std::vector<NodeRun> runs(g.size());

  proc::Supervisor sup;
  const bool parallel = opt.jobs > 1;
  int running = 0;
  bool stop = false;  // a failure without --continue-on-error: start nothing new
  std::vector<int> failures;  // in observation order
  const std::vector<std::string> base_env = proc::current_environment();

  auto fail = [&](int n, std::string error) {
    NodeRun& run = runs[size_t(n)];
    run.state = State::Failed;
    run.error = std::move(error);
    failures.push_back(n);
    if (!opt.continue_on_error) stop = true;
  };

  // Starts the command of node n, whose repository lock is held.
  auto launch = [&](int n) -> void {
    const graph::Node& node = g.node(n);
    NodeRun& run = runs[size_t(n)];
    proc::ChildSpec spec;
    spec.spawn.argv = proc::bash_command(opt.command);
    spec.spawn.cwd = node.path;
    spec.spawn.env = base_env;
    proc::env_set(*spec.spawn.env, "TAKO_REPO", node.name);
    spec.kill_group_on_exit = false;  // `tako run` commands may leave daemons behind on purpose
    if (parallel) {
      spec.spawn.stdout_mode = proc::Stdio::Pipe;
      spec.spawn.stderr_mode = proc::Stdio::Pipe;
      const std::string prefix = node.name + " | ";
      spec.on_line = [prefix, out_fd](proc::Stream stream, std::string_view line, bool) {
        std::string text;
        text.reserve(prefix.size() + line.size() + 1);
        text.append(prefix).append(line).push_back('\n');
        util::console_write(stream == proc::Stream::Stdout ? out_fd : STDERR_FILENO, text);
      };
    } else if (opt.stdout_to_stderr) {
      spec.spawn.stdout_mode = proc::Stdio::Pipe;
      spec.on_line = [](proc::Stream, std::string_view line, bool) { proc::write_line(STDERR_FILENO, "", line); };
    }
    spec.on_exit = [&, n](proc::ExitInfo& info) {
      NodeRun& r = runs[size_t(n)];
      r.lock.reset();
      --running;
      r.exit = info.status;
      r.exited = true;
      r.elapsed = info.elapsed;
      if (info.status.success()) {
        r.state = State::Succeeded;
        return;
      }
      fail(n, info.status.describe());
    };
    std::fflush(stdout);
    auto id = sup.spawn(std::move(spec));
    if (!id) {
      run.lock.reset();
      return fail(n, id.error().message);
    }
    run.state = State::Running;
    ++running;
  };

  LockWaiters waiters;  // declared after `sup` and `runs`: joined before they go
  auto start = [&](int n) -> void {
    const graph::Node& node = g.node(n);
    emit(out_fd, "--- Running in " + node.name + " ---\n");
    auto free_now = try_repo_lock(opt.home, node.path, node.name, "");
    if (free_now && free_now->has_value()) {
      runs[size_t(n)].lock = std::make_unique<RepoLock>(std::move(**free_now));
      launch(n);
      return;
    }
    // Busy: wait on a thread of its own (§14's message, --lock-timeout). The node holds its
    // job slot meanwhile; the loop goes on draining output and handling exits.
    runs[size_t(n)].state = State::Locking;
    ++running;
    waiters.threads.emplace_back([&, n, path = node.path, name = node.name] {
      auto lock = std::make_shared<Result<RepoLock>>(
          acquire_repo_lock(opt.home, path, name, "", opt.lock_timeout, opt.lock_timeout_text, waiters.cancel.get()));
      sup.post([&, n, lock] {
        --running;
        if (stop) {  // another repository failed meanwhile: start nothing new
          runs[size_t(n)].state = State::NotStarted;
          return;
        }
        if (!*lock) return fail(n, lock->error().message);
        runs[size_t(n)].lock = std::make_unique<RepoLock>(std::move(**lock));
        launch(n);
      });
    });
  };

  // Decides skipped nodes and starts ready ones, in topological order.
  auto schedule = [&]() {
    for (int n : order) {
      NodeRun& run = runs[size_t(n)];
      if (run.state != State::Pending) continue;
      bool ready = true;
      std::string failed_upstream;
      for (int p : parents[size_t(n)]) {
        const NodeRun& pr = runs[size_t(p)];
        if (pr.state == State::Failed) failed_upstream = g.node(p).name;
        else if (pr.state == State::Skipped) failed_upstream = pr.cause;
        if (pr.state != State::Succeeded) ready = false;
      }
      if (!failed_upstream.empty()) {
        if (stop) continue;  // reported as not started below
        run.state = State::Skipped;
        run.cause = failed_upstream;
        emit(out_fd, "--- Skipping " + g.node(n).name + " (dependency " + failed_upstream + " failed) ---\n");
        continue;
      }
      if (!ready || stop || running >= opt.jobs) continue;
      start(n);
    }
  };

  auto finished = [&]() {
    if (running > 0) return false;
    for (int n : order) {
      if (runs[size_t(n)].state == State::Pending && !stop) return false;
    }
    return true;
  };

  auto progress = [&]() {
    if (!opt.on_progress) return;
    CommandProgress p;
    p.total = int(order.size());
    for (const NodeRun& r : runs) {
      if (r.state == State::Running || r.state == State::Locking) ++p.running;
      if (r.state == State::Succeeded || r.state == State::Failed || r.state == State::Skipped) ++p.done;
      if (r.state == State::Failed) ++p.failed;
    }
    opt.on_progress(p);
  };
  const auto tick = opt.on_progress ? std::chrono::milliseconds(100) : std::chrono::milliseconds(500);

  schedule();
  progress();
  while (!finished()) {
    if (sup.interrupted() != 0) break;
    if (running == 0) {
      // Nothing running but pending nodes remain: a start failed synchronously.
      schedule();
      if (running == 0 && finished()) break;
      if (running == 0) continue;
    }
    sup.run_once(tick);
    if (sup.interrupted() != 0) {
      sup.wait_all();
      break;
    }
    if (stop) waiters.cancel_all();  // their repositories will not be started
    schedule();
    progress();
  }
  if (auto* guard = proc::InterruptGuard::active(); guard != nullptr && guard->interrupted()) {
    result.interrupted = guard->signal();
    return result;
  }
  if (sup.interrupted() != 0) {
    result.interrupted = sup.interrupted();
    return result;
  }
  for (auto& r : runs) {
    if (r.state == State::Pending) r.state = State::NotStarted;
  }

  if (opt.summarize_errors) {
    int ok = 0, failed = 0, skipped = 0;
    std::string lines;
    for (int n : order) {
      const NodeRun& r = runs[size_t(n)];
      if (r.state == State::Succeeded) {
        ++ok;
      } else if (r.state == State::Failed) {
        ++failed;
        lines += "  \xE2\x9C\x97 " + g.node(n).name + ": " + r.error + "\n";
      } else {
        ++skipped;
        lines += "  - " + g.node(n).name + ": skipped\n";
      }
    }
    emit(STDERR_FILENO, "Summary: " + std::to_string(ok) + " succeeded, " + std::to_string(failed) + " failed, " +
                            std::to_string(skipped) + " skipped\n" + lines);
  }
  for (int n : order) {
    const NodeRun& r = runs[size_t(n)];
    RepoOutcome o;
    o.name = g.node(n).name;
    o.path = g.node(n).path;
    switch (r.state) {
      case State::Succeeded: o.kind = RepoOutcome::Kind::Succeeded; break;
      case State::Failed: o.kind = RepoOutcome::Kind::Failed; break;
      case State::Skipped: o.kind = RepoOutcome::Kind::Skipped; break;
      default: o.kind = RepoOutcome::Kind::NotStarted; break;
    }
    if (r.exited) {
      if (r.exit.exited()) o.exit_code = r.exit.exit_code;
      o.signal = r.exit.signal;
      o.duration = r.elapsed;
    }
    o.error = r.error;
    o.skipped_because = r.cause;
    result.repos.push_back(std::move(o));
  }
  result.elapsed = std::chrono::duration_cast<util::Nanos>(std::chrono::steady_clock::now() - run_start);
  if (failures.size() == 1 || (!failures.empty() && !opt.continue_on_error)) {
    int n = failures.front();
    result.status = Error{"command failed in " + g.node(n).name + ": " + runs[size_t(n)].error};
  } else if (failures.size() > 1) {
    std::vector<std::string> names;
    for (int n : order) {
      if (runs[size_t(n)].state == State::Failed) names.push_back(g.node(n).name);
    }
    result.status = Error{"command failed in " + std::to_string(names.size()) +
                          " repositories: " + util::join(names, ", ")};
  }
  return result;
}

}  // namespace tako::engine
