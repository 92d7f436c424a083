// Container steps (REFERENCE.md §12): the engine side. The argument list, the forwarded
// environment and runtime detection are plain data from tako/container; the process itself
// runs through RunExecutor::run_command like a shell step (log, streaming, masking, timeout,
// outputs, events, cache). docs/CONTAINERS.md explains the decisions.
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>

#include "tako/container/environment.h"
#include "tako/container/run_args.h"
#include "tako/container/runtime.h"
#include "tako/container/runtime_command.h"
#include "tako/engine/expressions.h"
#include "tako/engine/run_executor.h"
#include "tako/proc/interrupt.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

// Limits of the runtime commands around the container (§15.1; inspect and rm: dev choice).
constexpr auto kInspectLimit = std::chrono::seconds(60);
constexpr auto kPullLimit = std::chrono::minutes(10);
constexpr auto kRemoveLimit = std::chrono::seconds(60);

// The runtime's answer when it could not start the container: docker and podman exit with
// 125 when the error is theirs, not the command's (126/127: the command cannot run).
constexpr int kRuntimeError = 125;

std::string last_line(std::string_view text) {
  std::string_view t = util::trim(text);
  auto nl = t.rfind('\n');
  return std::string(nl == std::string_view::npos ? t : util::trim(t.substr(nl + 1)));
}

// Removes the step's container whatever its state. Runs also after an interrupt: it is the
// cleanup of one.
void remove_container(const container::Runtime& rt, const std::string& name, const std::vector<std::string>& env) {
  container::RuntimeCommand rm;
  rm.argv = {rt.name, "rm", "-f", name};
  rm.env = env;
  rm.timeout = kRemoveLimit;
  rm.stop_on_interrupt = false;
  (void)container::run_runtime_command(rm);  // "no such container" is the usual, good answer
}

}  // namespace

StepOutcome RunExecutor::run_container(const config::Step& step, const nlohmann::json& data,
                                       const std::optional<std::string>& on_failure_of) {
  StepOutcome out;
  const config::Workflow& wf = *spec_.workflow;
  auto rendered = render_template(step.run.value_or(""), label(step, "run"), data);
  if (!rendered) {
    out.error = "failed to execute template: " + rendered.error().message;
    return out;
  }
  tree_.debug("run " + step.id + ": " + *rendered);

  std::optional<std::string> cache_key = step_cache_key(step, data);  // includes the image (§7.13)
  if (auto hit = cached_outcome(step, cache_key)) return std::move(*hit);

  const std::string image = step.image.value_or(wf.image.value_or(""));
  const std::string name = container::container_name(run_id_, step.id);
  const std::string tmp_dir = spec_.workspace + "/tmp/" + step.id;
  if (auto s = tree_.scratch_dirs().make_scratch(tmp_dir, 0777); !s) {
    out.error = s.error().message;
    return out;
  }
  // The container's user (uid 1001) appends to $TAKO_OUTPUT, which tako created.
  ::chmod((tmp_dir + "/output").c_str(), 0666);

  auto step_env = rendered_step_env(step, data);
  if (!step_env) {
    out.error = step_env.error().message;
    return out;
  }

  if (auto settled = settle_state(); !settled) {
    out.error = settled.error().message;
    return out;
  }
  auto stopped = [this] {
    const proc::InterruptGuard* g = proc::InterruptGuard::active();
    return interrupted_ || cancelled_.load() || (g && g->interrupted());
  };
  auto runtime = container::detect_runtime_once(tree_.options().container_runtime);
  if (!runtime) {
    out.error = runtime.error().message;
    return out;
  }
  const container::Runtime rt = *runtime;

  // What the runtime itself runs with: tako's environment without the secrets.
  std::vector<std::string> host_env = proc::current_environment();
  for (const auto& secret : tree_.secret_names()) proc::env_unset(host_env, secret);

  // Forwarded variables in increasing precedence (§12.2, §7.6a): HOME is a default the
  // workflow or step env may change; tako's own variables always win.
  std::vector<std::pair<std::string, std::string>> fwd = {{"HOME", "/tmp"}};
  fwd.insert(fwd.end(), workflow_env_.begin(), workflow_env_.end());
  fwd.insert(fwd.end(), step_env->begin(), step_env->end());
  for (auto [k, v] : run_variables()) {
    if (k == "TAKO_WORKSPACE") v = "/tako";
    if (k == "TAKO_REPO_PATH") v = "/workspace";
    fwd.emplace_back(k, v);
  }
  fwd.emplace_back("TAKO_STEP_ID", step.id);
  fwd.emplace_back("TAKO_OUTPUT", "/tako/output");
  if (on_failure_of) fwd.emplace_back("TAKO_FAILED_STEP", *on_failure_of);
  fwd.emplace_back("TAKO_CONTAINER", "true");
  fwd.emplace_back("TAKO_RUNTIME", rt.name);
  container::ContainerEnvironment cenv = container::container_environment(host_env, fwd, rt.name);

  container::RunRequest req;
  req.runtime = rt;
  req.name = name;
  req.image = image;
  req.security_profile = step.security_profile.value_or("");
  req.capabilities = step.capabilities;
  req.network = step.network;
  req.env_names = cenv.names;
  req.checkout = spec_.checkout;
  req.step_tmp_dir = tmp_dir;
  for (const auto& v : step.volumes) req.volumes.push_back({v.source, v.destination, v.read_only});
  // Step values override the workflow's, field by field (§12.3).
  auto pick = [](const std::string& s, const std::string& w) { return s.empty() ? w : s; };
  req.cpu_limit = pick(step.resources.cpu_limit, wf.resources.cpu_limit);
  req.mem_limit = pick(step.resources.mem_limit, wf.resources.mem_limit);
  req.disk_limit = pick(step.resources.disk_limit, wf.resources.disk_limit);
  req.command = *rendered;
  auto argv = container::build_run_args(req);
  if (!argv) {
    out.error = argv.error().message;
    return out;
  }

  // A resumed step may have left its container behind (tako killed with -9): the name is
  // deterministic, so the old one is removed before the step runs again.
  if (tree_.options().resume) remove_container(rt, name, host_env);

  // The image: present locally, else pulled (§12.2).
  if (stopped()) {
    out.error = "interrupted";
    return out;
  }
  container::RuntimeCommand inspect;
  inspect.argv = {rt.name, "image", "inspect", image};
  inspect.env = host_env;
  inspect.timeout = kInspectLimit;
  if (!container::run_runtime_command(inspect).ok) {
    if (stopped()) {
      out.error = "interrupted";
      return out;
    }
    container::RuntimeCommand pull;
    pull.argv = {rt.name, "pull", image};
    pull.env = host_env;
    pull.timeout = kPullLimit;
    container::CommandResult pulled = container::run_runtime_command(pull);
    if (!pulled.ok) {
      out.error = stopped() ? "interrupted" : "failed to pull image " + image + ": " + pulled.failure_text();
      return out;
    }
  }
  if (stopped()) {
    out.error = "interrupted";
    return out;
  }

  tree_.debug("container command: " + container::display_command(*argv));

  StepCommand cmd;
  cmd.argv = std::move(*argv);
  cmd.env = cenv.runtime_env;
  cmd.cwd = spec_.checkout;
  cmd.failure = [name, image](const proc::ExitInfo& info) -> std::string {
    if (info.status.exited() && info.status.exit_code == kRuntimeError) {
      return "failed to run container " + name + " with image " + image + ": " + last_line(info.stderr_text);
    }
    if (info.status.exited()) return "container exited with code " + std::to_string(info.status.exit_code);
    return info.status.describe();
  };
  cmd.start_error = [name, image](const std::string& error) {
    return "failed to run container " + name + " with image " + image + ": " + error;
  };
  // The runtime's client is only a window on the container: ending its process group does not
  // end the container (its PID 1 ignores SIGTERM). `<rt> kill` does (§7.12).
  proc::Supervisor* sup = sup_.get();
  cmd.on_stop = [sup, rt, name, host_env] {
    proc::ChildSpec kill;
    kill.spawn.argv = {rt.name, "kill", name};
    kill.spawn.env = host_env;
    kill.spawn.stdout_mode = proc::Stdio::Null;
    kill.spawn.stderr_mode = proc::Stdio::Null;
    kill.timeout = kRemoveLimit;
    (void)sup->spawn(std::move(kill));  // if it cannot start, after_exit's `rm -f` still ends it
  };
  // After a stop (or a client that died of a signal) the container may outlive its client;
  // `--rm` does not help then. Nothing named tako-<run>-<step> is left behind.
  cmd.after_exit = [rt, name, host_env](const proc::ExitInfo& info) {
    if (info.timed_out || info.terminated || !info.status.exited()) remove_container(rt, name, host_env);
  };
  return run_command(step, data, std::move(cmd), cache_key);
}

}  // namespace tako::engine
