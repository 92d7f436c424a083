#include "tako/engine/command_runner.h"

#include <unistd.h>

#include <map>
#include <memory>
#include <optional>

#include "tako/engine/repo_lock.h"
#include "tako/proc/interrupt.h"
#include "tako/proc/line_output.h"
#include "tako/proc/supervisor.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

// Writes a whole line with one write(2), so parallel output never interleaves mid-line.
void emit(int fd, const std::string& text) {
  if (fd == STDOUT_FILENO) std::fflush(stdout);
  proc::write_all(fd, text);
}

enum class State { Pending, Running, Succeeded, Failed, Skipped, NotStarted };

struct NodeRun {
  State state = State::Pending;
  std::string error;       // "exit status 1", ...
  std::string cause;       // for Skipped: the failed upstream repository
  std::unique_ptr<RepoLock> lock;
};

}  // namespace

CommandRunResult run_command(const graph::Graph& g, const CommandRunOptions& opt) {
  CommandRunResult result;
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

  auto start = [&](int n) -> void {
    const graph::Node& node = g.node(n);
    NodeRun& run = runs[size_t(n)];
    emit(STDOUT_FILENO, "--- Running in " + node.name + " ---\n");
    auto lock = acquire_repo_lock(opt.home, node.path, node.name, "", opt.lock_timeout, opt.lock_timeout_text);
    if (!lock) {
      run.state = State::Failed;
      run.error = lock.error().message;
      failures.push_back(n);
      if (!opt.continue_on_error) stop = true;
      return;
    }
    run.lock = std::make_unique<RepoLock>(std::move(*lock));
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
      spec.on_line = [prefix](proc::Stream stream, std::string_view line, bool) {
        proc::write_line(stream == proc::Stream::Stdout ? STDOUT_FILENO : STDERR_FILENO, prefix, line);
      };
    }
    spec.on_exit = [&, n](proc::ExitInfo& info) {
      NodeRun& r = runs[size_t(n)];
      r.lock.reset();
      --running;
      if (info.status.success()) {
        r.state = State::Succeeded;
        return;
      }
      r.state = State::Failed;
      r.error = info.status.describe();
      failures.push_back(n);
      if (!opt.continue_on_error) stop = true;
    };
    std::fflush(stdout);
    auto id = sup.spawn(std::move(spec));
    if (!id) {
      run.lock.reset();
      run.state = State::Failed;
      run.error = id.error().message;
      failures.push_back(n);
      if (!opt.continue_on_error) stop = true;
      return;
    }
    run.state = State::Running;
    ++running;
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
        emit(STDOUT_FILENO, "--- Skipping " + g.node(n).name + " (dependency " + failed_upstream + " failed) ---\n");
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

  schedule();
  while (!finished()) {
    if (sup.interrupted() != 0) break;
    if (running == 0) {
      // Nothing running but pending nodes remain: a start failed synchronously.
      schedule();
      if (running == 0 && finished()) break;
      if (running == 0) continue;
    }
    sup.run_once(std::chrono::milliseconds(500));
    if (sup.interrupted() != 0) {
      sup.wait_all();
      break;
    }
    schedule();
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
