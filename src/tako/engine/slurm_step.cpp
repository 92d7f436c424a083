// Shell steps on a Slurm cluster (`executor: slurm`, docs/SCALE-OUT.md): the engine side of
// the Slurm runner. The job script, the watcher and the sbatch argument list are plain data
// from tako/slurm; the watcher (submit, follow the output, exit with the job's status) runs
// through RunExecutor::run_command like a local shell step, so the log, masking, timeout,
// outputs, events and cache behave the same. Stopping the step (timeout, SIGINT, cancel,
// fail_fast) cancels the job with scancel and waits until it has left the queue.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "tako/config/container_rules.h"
#include "tako/config/name_rules.h"
#include "tako/container/runtime_command.h"
#include "tako/engine/expressions.h"
#include "tako/engine/run_executor.h"
#include "tako/engine/slurm_step.h"
#include "tako/slurm/job_files.h"
#include "tako/slurm/job_state.h"
#include "tako/slurm/sbatch_args.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

namespace fs = std::filesystem;

constexpr auto kClusterCheckLimit = std::chrono::seconds(20);
constexpr auto kCancelLimit = std::chrono::seconds(30);
constexpr auto kDrainLimit = std::chrono::seconds(60);

bool exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(path, ec);
}

std::string read_trimmed(const std::string& path) {
  std::ifstream in(path);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(util::trim(text));
}

Status write_file(const std::string& path, const std::string& text, fs::perms perms) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << text;
    if (!out) return Error{"cannot write " + path};
  }
  std::error_code ec;
  fs::permissions(path, perms, ec);
  if (ec) return Error{"cannot set permissions of " + path + ": " + ec.message()};
  return {};
}

container::CommandResult slurm_command(std::vector<std::string> argv, const std::vector<std::string>& env,
                                       proc::Nanos limit) {
  container::RuntimeCommand c;
  c.argv = std::move(argv);
  c.env = env;
  c.timeout = limit;
  c.stop_on_interrupt = false;  // cancelling a job is the cleanup of an interrupt
  return container::run_runtime_command(c);
}

// Cancels the job named `name` (if any, and if `cancel`) and waits until no job of that name
// is pending, running or completing: nothing of the step is left in `squeue`.
void cancel_and_drain(const std::string& name, const std::vector<std::string>& env, bool cancel = true) {
  if (cancel) (void)slurm_command({"scancel", "--name=" + name}, env, kCancelLimit);
  auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto q = slurm_command({"squeue", "-h", "-n", name, "-o", "%i"}, env, kCancelLimit);
    if (!q.ok || util::trim(q.out).empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // polling the cluster, not syncing a test
  }
}

}  // namespace

Status check_slurm_cluster(const std::vector<std::string>& env) {
  auto r = slurm_command({"sinfo", "-h", "-o", "%P"}, env, kClusterCheckLimit);
  if (r.ok) return {};
  return Error{"executor slurm: the cluster does not answer (sinfo: " + r.failure_text() +
               "); check SLURM_CONF and that slurmctld is running"};
}

namespace {

// sinfo once per tako process: the first Slurm step asks, later ones (other runs, other
// threads) reuse the answer.
Status check_slurm_cluster_once(const std::vector<std::string>& env) {
  static std::once_flag once;
  static Status answer;
  std::call_once(once, [&] { answer = check_slurm_cluster(env); });
  return answer;
}

}  // namespace

std::string RunExecutor::step_executor(const config::Step& step) const {
  if (step.executor) return *step.executor;
  if (spec_.workflow->executor) return *spec_.workflow->executor;
  return tree_.options().executor;
}

StepOutcome RunExecutor::run_slurm(const config::Step& step, const nlohmann::json& data,
                                   const std::optional<std::string>& on_failure_of) {
  StepOutcome out;
  const config::Workflow& wf = *spec_.workflow;
  auto prepared = prepare_shell(step, data, on_failure_of, " (slurm)");
  if (auto* done = std::get_if<StepOutcome>(&prepared)) return std::move(*done);
  PreparedShell& p = std::get<PreparedShell>(prepared);
  const std::vector<std::string>& env = p.env;
  // tako's own environment reaches the Slurm clients (SLURM_CONF); secrets do not.
  std::vector<std::string> client_env = proc::current_environment();
  for (const auto& secret : tree_.secret_names()) proc::env_unset(client_env, secret);
  if (auto ok = check_slurm_cluster_once(client_env); !ok) {
    out.error = ok.error().message;
    return out;
  }

  // Variables whose value holds a secret travel in a 0600 file the job script reads: sbatch
  // stores the environment it exports with the job in slurmctld's state.
  std::vector<std::pair<std::string, std::string>> secret_vars;
  std::vector<std::string> job_env;
  for (const auto& kv : env) {
    auto eq = kv.find('=');
    std::string name = kv.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (config::is_env_name(name) && tree_.mask(value) != value) secret_vars.emplace_back(name, value);
    else job_env.push_back(kv);
  }

  slurm::JobDir dir{spec_.workspace + "/slurm/" + step.id};
  const std::string name = slurm::job_name(run_id_, step.id);
  // A resumed step may have a job left from before (tako killed with -9): the name is
  // deterministic, so it is cancelled before the step runs again.
  if (tree_.options().resume) cancel_and_drain(name, client_env);
  {
    std::error_code ec;
    fs::remove_all(dir.path, ec);
    fs::create_directories(dir.path, ec);
    if (ec) {
      out.error = "cannot create " + dir.path + ": " + ec.message();
      return out;
    }
  }
  slurm::SbatchRequest req;
  req.job_name = name;
  req.chdir = spec_.checkout;
  req.output = dir.out();
  req.error = dir.err();
  req.script = dir.script();
  auto pick = [](const std::string& s, const std::string& w) { return s.empty() ? w : s; };
  if (auto cpus = config::parse_cpu_limit(pick(step.resources.cpu_limit, wf.resources.cpu_limit))) {
    req.cpus = slurm::cpus_per_task(*cpus);
  }
  if (auto mem = config::parse_size_limit(pick(step.resources.mem_limit, wf.resources.mem_limit))) {
    req.mem_mib = slurm::mem_mib(*mem);
  }
  req.options = slurm::merge(wf.slurm, step.slurm);
  std::vector<std::string> argv = slurm::sbatch_args(req);
  tree_.debug("slurm command: " + util::join(argv, " "));

  slurm::JobScript job{dir, spec_.checkout, p.command, !secret_vars.empty()};
  constexpr auto kPrivate = fs::perms::owner_read | fs::perms::owner_write;
  constexpr auto kScript = kPrivate | fs::perms::owner_exec;
  for (auto [path, text, perms] : {std::tuple{dir.script(), slurm::job_script_text(job), kScript},
                                   std::tuple{dir.watcher(), slurm::watcher_text(dir, argv), kScript},
                                   std::tuple{dir.out(), std::string(), kPrivate},
                                   std::tuple{dir.err(), std::string(), kPrivate}}) {
    if (auto w = write_file(path, text, perms); !w) {
      out.error = w.error().message;
      return out;
    }
  }
  if (!secret_vars.empty()) {
    if (auto w = write_file(dir.secrets(), slurm::secrets_env_text(secret_vars), kPrivate); !w) {
      out.error = w.error().message;
      return out;
    }
  }

  StepCommand cmd;
  cmd.argv = {"sh", dir.watcher()};
  cmd.env = std::move(job_env);
  cmd.cwd = spec_.checkout;
  cmd.failure = [dir, name](const proc::ExitInfo& info) -> std::string {
    if (exists(dir.failed())) {
      std::string err(util::trim(info.stderr_text));
      auto nl = err.rfind('\n');
      return "failed to submit slurm job " + name + ": " + (nl == std::string::npos ? err : err.substr(nl + 1));
    }
    if (!exists(dir.status()) && exists(dir.state())) {
      return slurm::ended_without_status(read_trimmed(dir.job_id()), read_trimmed(dir.state()));
    }
    return info.status.describe();
  };
  // The watcher is only a window on the job: stopping it does not stop the job, scancel does.
  proc::Supervisor* sup = sup_.get();
  cmd.on_stop = [sup, name, client_env] {
    proc::ChildSpec cancel;
    cancel.spawn.argv = {"scancel", "--name=" + name};
    cancel.spawn.env = client_env;
    cancel.spawn.stdout_mode = proc::Stdio::Null;
    cancel.spawn.stderr_mode = proc::Stdio::Null;
    cancel.timeout = kCancelLimit;
    (void)sup->spawn(std::move(cancel));  // if it cannot start, after_exit cancels again
  };
  // A job whose script has not recorded its status (the watcher was stopped or died) is
  // cancelled, and in every case the step ends only once nothing of its job is left in the
  // queue (a finished job lingers a moment as COMPLETING; a cancelled one until KillWait).
  cmd.after_exit = [dir, name, client_env](const proc::ExitInfo&) {
    std::error_code ec;
    fs::remove(dir.secrets(), ec);
    if (exists(dir.failed())) return;  // sbatch refused it: there is no job
    // By name: the watcher may have been stopped between sbatch and writing the job id.
    cancel_and_drain(name, client_env, !exists(dir.status()));
  };
  return run_command(step, data, std::move(cmd), p.cache_key);
}

}  // namespace tako::engine
