#include "tako/engine/run_executor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>

#include "tako/engine/expressions.h"
#include "tako/engine/outputs.h"
#include "tako/engine/step_cache.h"
#include "tako/engine/step_log.h"
#include "tako/proc/line_output.h"
#include "tako/proc/interrupt.h"
#include "tako/proc/spawn.h"
#include "tako/state/ids.h"
#include "tako/util/event_fd.h"
#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

using Clock = std::chrono::steady_clock;

int64_t ms_between(const state::Timestamp& a, const state::Timestamp& b) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(b - a).count();
}

std::string env_value(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  return v ? std::string(v) : std::string();
}

state::StepKind kind_of(const config::Step& step, const config::Workflow& wf) {
  if (step.uses) return state::StepKind::Uses;
  if (step.image || wf.image) return state::StepKind::Container;
  return state::StepKind::Run;
}

}  // namespace

RunExecutor::RunExecutor(Tree& tree, std::string run_id, RunSpec spec, RunExecutor* parent)
    : tree_(tree), run_id_(std::move(run_id)), spec_(std::move(spec)), parent_(parent) {
  secrets_ = spec_.workflow->secrets;
}

int RunExecutor::cancel_fd() {
  std::lock_guard<std::mutex> lock(cancel_fd_mu_);
  if (!cancel_fd_.valid()) {
    cancel_fd_ = util::make_event_fd();
    if (cancelled_.load()) util::signal_event_fd(cancel_fd_.get());
  }
  return cancel_fd_.get();
}

void RunExecutor::wake() {
  std::lock_guard<std::mutex> lock(sup_mu_);
  if (sup_) sup_->wake();
}

void RunExecutor::add_child(RunExecutor* c) {
  std::lock_guard<std::mutex> lock(children_mu_);
  children_.push_back(c);
  if (cancelled_.load()) c->cancel(state::RunStatus(cancel_status_.load()));
}

void RunExecutor::remove_child(RunExecutor* c) {
  std::lock_guard<std::mutex> lock(children_mu_);
  children_.erase(std::remove(children_.begin(), children_.end(), c), children_.end());
}

bool RunExecutor::wait_until(const std::function<bool()>& done,
                             std::optional<std::chrono::steady_clock::time_point> deadline) {
  return sup_->run_until(done, deadline);
}

RunExecutor::~RunExecutor() = default;

void RunExecutor::release_run_data() {
  data_.reset();
  env_map_ = nlohmann::json::object();
  workflow_env_.clear();
  step_outputs_.clear();
  base_env_.reset();
}

state::RunNode& RunExecutor::node() {
  state::RunNode* n = state::find_run(tree_.doc().root, run_id_);
  return *n;
}

state::StepNode& RunExecutor::step_node(const std::string& id) {
  state::RunNode& n = node();
  if (state::StepNode* s = state::find_step(n, id)) return *s;
  n.steps.emplace_back();
  n.steps.back().id = id;
  return n.steps.back();
}

std::string RunExecutor::label(const config::Step& step, const char* field) const {
  return spec_.workflow->name + "." + step.id + "." + field;
}

void RunExecutor::cancel(state::RunStatus final_status) {
  if (cancelled_.exchange(true)) return;
  cancel_status_.store(int(final_status));
  {
    std::lock_guard<std::mutex> lock(cancel_fd_mu_);
    util::signal_event_fd(cancel_fd_.get());
  }
  {
    std::lock_guard<std::mutex> lock(sup_mu_);
    if (sup_) {
      proc::Supervisor* sup = sup_.get();
      sup->post([sup] { sup->terminate_all(); });
    }
  }
  std::lock_guard<std::mutex> lock(children_mu_);
  for (RunExecutor* c : children_) c->cancel(final_status);
}

nlohmann::json RunExecutor::step_data() {
  nlohmann::json data = nlohmann::json::object();
  data["inputs"] = spec_.inputs.values;
  nlohmann::json steps = nlohmann::json::object();
  for (const auto& [id, outs] : step_outputs_) {
    nlohmann::json entry = outs;
    entry["outputs"] = outs;
    steps[id] = std::move(entry);
  }
  data["steps"] = std::move(steps);
  data["env"] = env_map_;
  data["event"] = spec_.event ? state::to_json(*spec_.event) : nlohmann::json::object();
  data["run"] = {{"id", run_id_},
                 {"workflow", spec_.workflow->name},
                 {"repo", spec_.identity},
                 {"path", spec_.checkout},
                 {"depth", spec_.depth}};
  add_template_aliases(data);
  return data;
}

void RunExecutor::record_outputs(const std::string& step_id, const std::map<std::string, std::string>& outputs) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : outputs) j[k] = v;
  if (data_) {
    if (data_.use_count() > 1) data_ = std::make_shared<nlohmann::json>(*data_);
    nlohmann::json entry = j;
    entry["outputs"] = j;
    // The same shape as step_data(): `steps` and its template alias `Steps`.
    (*data_)["steps"][step_id] = entry;
    (*data_)["Steps"][step_id] = std::move(entry);
  }
  step_outputs_[step_id] = std::move(j);
}

bool RunExecutor::execute() {
  {
    std::lock_guard<std::mutex> lock(sup_mu_);
    sup_ = std::make_unique<proc::Supervisor>();
    sup_->set_interrupt_handler([this](int) {
      interrupted_ = true;
      sup_->terminate_all();
    });
  }
  if (cancelled_.load()) sup_->terminate_all();
  const config::Workflow& wf = *spec_.workflow;
  std::string error;
  bool failed = false;

  // Secrets: never part of the template/CEL root; masked everywhere.
  for (const auto& name : secrets_) {
    tree_.add_secret_name(name);
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) {
      if (!tree_.options().dry_run) {
        failed = true;
        error = "required secret '" + name + "' is not set";
      }
      continue;
    }
    tree_.add_secret(v);
  }
  // The `env` root: tako's environment minus secrets (of the whole tree: a parent's too),
  // plus the rendered workflow env.
  const std::set<std::string> hidden = tree_.secret_names();
  for (const auto& kv : proc::current_environment()) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    std::string k = kv.substr(0, eq);
    if (hidden.count(k) != 0) continue;
    env_map_[k] = kv.substr(eq + 1);
  }

  {
    auto l = tree_.lock();
    state::RunNode& n = node();
    n.status = state::RunStatus::Running;
    if (!n.start_time) n.start_time = state::now();
    n.end_time.reset();
    n.duration_ms.reset();
    n.error.reset();
    n.waiting_for.reset();
    n.current_step.reset();
    // Inputs given on the command line enter the state here: a secret's value among them is
    // stored masked like every other state field (docs/ENGINE.md, "Secrets").
    tree_.mask_json(n.inputs);
    for (auto& [k, v] : n.cli_inputs) v = tree_.mask(v);
    // Steps recorded as completed/skipped by an earlier attempt keep their outputs (§11.4).
    for (const auto& s : n.steps) {
      if (s.status == state::StepStatus::Completed && !s.on_failure_of) record_outputs(s.id, s.outputs);
    }
    const state::Timestamp start = *n.start_time;
    note_state(tree_.record([&](store::Journal& j) { return j.run_started(run_id_, start); }));
  }
  if (state_error_ && !failed) {
    failed = true;
    error = *state_error_;
  }

  if (!failed && !wf.env.empty()) {
    const nlohmann::json base = step_data();
    for (const auto& [k, v] : wf.env) {
      auto rendered = render_template(v, wf.name + ".env." + k, base);
      if (!rendered) {
        failed = true;
        error = "failed to execute template: " + rendered.error().message;
        break;
      }
      tree_.debug("env " + k + "=" + *rendered);
      workflow_env_.emplace_back(k, *rendered);
      env_map_[k] = *rendered;
    }
  }

  std::string failure_notes;
  // The template data (with the rendered workflow env) are built by the first step.
  data_.reset();
  if (!failed) {
    for (const config::Step& step : wf.steps) {
      if (const proc::InterruptGuard* g = proc::InterruptGuard::active(); g && g->interrupted()) interrupted_ = true;
      if (cancelled_.load() || interrupted_) break;
      {
        auto l = tree_.lock();
        const state::StepNode* existing = state::find_step(node(), step.id);
        if (existing && !existing->on_failure_of &&
            (existing->status == state::StepStatus::Completed || existing->status == state::StepStatus::Skipped)) {
          continue;  // resumed: keep the recorded result
        }
      }
      StepOutcome out = run_step(step, std::nullopt, &failure_notes);
      if (state_error_) {
        failed = true;
        error = *state_error_;
        break;
      }
      if (!out.ok && !out.skipped) {
        failed = true;
        error = "step '" + step.id + "' failed: " + out.error + failure_notes;
        break;
      }
    }
  }
  // Long-running steps never outlive their run.
  {
    std::string lr_error;
    if (failed || cancelled_.load() || interrupted_) sup_->terminate_all();
    if (auto s = wait_long_running(&failure_notes, &lr_error); !s && !failed) {
      failed = true;
      error = lr_error;
    }
  }
  // Children of wait_for_children: false fan-outs are awaited also after a
  // failure or cancellation (§7.1 step 6); their threads must not outlive the run.
  if (auto s = wait_for_detached_children(); !s && !failed && !cancelled_.load() && !interrupted_) {
    failed = true;
    error = s.error().message;
  }

  bool completed = !failed && !cancelled_.load() && !interrupted_;
  {
    auto l = tree_.lock();
    state::RunNode& n = node();
    n.end_time = state::now();
    if (n.start_time) n.duration_ms = ms_between(*n.start_time, *n.end_time);
    if (completed) {
      n.status = state::RunStatus::Completed;
      n.current_step.reset();
    } else if (interrupted_ || tree_.interrupted.load()) {
      n.status = state::RunStatus::Cancelled;
      if (!failed) error = "interrupted";
    } else if (cancelled_.load()) {
      n.status = state::RunStatus(cancel_status_.load());
      if (!failed) error = n.status == state::RunStatus::TimedOut ? "timed out" : "cancelled";
    } else {
      n.status = state::RunStatus::Failed;
    }
    if (!completed) n.error = tree_.mask(error);
    // §11.3: the end of every run is committed (and, with --state-sync normal, synced).
    const state::RunStatus status = n.status;
    const state::OptTime end = n.end_time;
    const std::optional<int64_t> duration = n.duration_ms;
    const std::optional<std::string> err = n.error;
    Status s = tree_.record([&](store::Journal& j) { return j.run_finished(run_id_, status, end, duration, err); });
    if (!s) {
      note_state(s);
      if (completed) {  // a run whose end is not in the store did not succeed
        completed = false;
        n.status = state::RunStatus::Failed;
        n.error = s.error().message;
      }
    }
  }
  {
    std::lock_guard<std::mutex> lock(sup_mu_);
    sup_.reset();
  }
  return completed;
}

StepOutcome RunExecutor::run_step(const config::Step& step, const std::optional<std::string>& on_failure_of,
                                  std::string* failure_notes) {
  const config::Workflow& wf = *spec_.workflow;
  {
    auto l = tree_.lock();
    state::StepNode& sn = step_node(step.id);
    std::optional<state::FanOutRecord> keep_fan_out = std::move(sn.fan_out);
    sn = state::StepNode{};
    sn.id = step.id;
    sn.kind = kind_of(step, wf);
    sn.uses = step.uses;
    sn.status = state::StepStatus::Running;
    sn.on_failure_of = on_failure_of;
    sn.start_time = state::now();
    sn.long_running = step.long_running;
    sn.log = "logs/" + step.id + ".log";
    sn.fan_out = std::move(keep_fan_out);  // a resumed fan-out reuses its event and children
    // Re-running a step moves it to the end: steps are stored in start order.
    state::RunNode& n = node();
    for (auto it = n.steps.begin(); it != n.steps.end(); ++it) {
      if (&*it == &sn && std::next(it) != n.steps.end()) {
        n.steps.splice(n.steps.end(), n.steps, it);
        break;
      }
    }
    n.current_step = step.id;
    // §11.3: the step's `running` status is committed before anything of it starts.
    Status sized = tree_.add_state_bytes(256 + step.id.size());
    note_state(sized ? tree_.record([&](store::Journal& j) { return j.step_started(run_id_, sn); }) : sized);
  }

  // Held for the step's duration: a change of data_ meanwhile copies it (record_outputs).
  if (!data_) data_ = std::make_shared<nlohmann::json>(step_data());
  std::shared_ptr<const nlohmann::json> data_hold = data_;
  const nlohmann::json& data = *data_hold;
  StepOutcome out;
  if (step.if_expr) {
    auto cond = evaluate_if(*step.if_expr, step.id, data);
    if (!cond) {
      out.error = cond.error().message;
    } else {
      tree_.debug("if " + step.id + ": " + *step.if_expr + " -> " + (*cond ? "true" : "false"));
      if (!*cond) out.skipped = true;
    }
    if (cond && *cond) out = dispatch(step, data, on_failure_of);
  } else {
    out = dispatch(step, data, on_failure_of);
  }
  data_hold.reset();  // before finish_step() adds this step's outputs
  if (state_error_ && !out.background) {
    StepOutcome failed;
    failed.error = *state_error_;
    finish_step(step.id, failed);
    return failed;
  }
  if (out.background) return out;  // a long-running step: recorded when it exits
  finish_step(step.id, out);
  if (!out.ok && !out.skipped) run_on_failure(step, failure_notes);
  return out;
}

}  // namespace tako::engine

namespace tako::engine {

void RunExecutor::finish_step(const std::string& step_id, const StepOutcome& out) {
  std::map<std::string, std::string> masked;
  for (const auto& [k, v] : out.outputs) masked[k] = tree_.mask(v);
  {
    auto l = tree_.lock();
    state::StepNode& sn = step_node(step_id);
    sn.status = out.skipped ? state::StepStatus::Skipped
                            : (out.ok ? state::StepStatus::Completed : state::StepStatus::Failed);
    sn.end_time = state::now();
    if (sn.start_time) sn.duration_ms = ms_between(*sn.start_time, *sn.end_time);
    sn.exit_code = out.exit_code;
    sn.error = out.ok || out.skipped ? std::nullopt : std::optional<std::string>(tree_.mask(out.error));
    sn.outputs = out.ok ? masked : std::map<std::string, std::string>{};
    sn.cached = out.cached;
    if (out.ok) sn.events = out.events;
    const store::StepEnd end = store::StepEnd::of(sn);
    std::uint64_t bytes = 256 + (end.error ? end.error->size() : 0);
    for (const auto& [k, v] : end.outputs) bytes += k.size() + v.size() + 8;
    for (const auto& e : end.events) bytes += e.payload.dump().size() + 256;
    Status sized = tree_.add_state_bytes(bytes);
    note_state(sized ? tree_.record([&](store::Journal& j) { return j.step_finished(run_id_, step_id, end); })
                     : sized);
  }
  if (out.ok) record_outputs(step_id, masked);  // later steps see what state holds, on resume too
}

void RunExecutor::run_on_failure(const config::Step& step, std::string* failure_notes) {
  for (const config::Step& handler : step.on_failure) {
    // After SIGINT/SIGTERM tako stops what it started (§7.12); it starts nothing new.
    const proc::InterruptGuard* guard = proc::InterruptGuard::active();
    if (interrupted_ || tree_.interrupted.load() || (guard && guard->interrupted())) break;
    std::string nested;
    StepOutcome out = run_step(handler, step.id, &nested);
    if (!out.ok && !out.skipped) {
      *failure_notes += " (on_failure step '" + handler.id + "' also failed: " + out.error + ")";
    }
  }
}

void RunExecutor::note_state(const Status& s) {
  if (!s && !state_error_) state_error_ = s.error().message;
}

Status RunExecutor::settle_state() {
  if (state_error_) return Error{*state_error_};
  return {};
}

StepOutcome RunExecutor::dispatch(const config::Step& step, const nlohmann::json& data,
                                  const std::optional<std::string>& on_failure_of) {
  StepOutcome out;
  if (step.uses) {
    if (auto settled = settle_state(); !settled) {
      out.error = settled.error().message;
      return out;
    }
    std::string name = step.uses->substr(0, step.uses->find('@'));
    if (name == "tako/fan-out") return run_fan_out(step, data);
    if (name == "tako/poll") return run_poll(step, data);
    if (name == "tako/checkout") return run_checkout(step, data);
    if (name == "tako/create-pull-request") return run_create_pull_request(step, data, on_failure_of);
    if (name == "tako/update-dependency") return run_update_dependency(step, data);
    out.error = "built-in step '" + *step.uses + "' is not implemented yet";
    return out;
  }
  if (step.image || spec_.workflow->image) return run_container(step, data, on_failure_of);
  if (step_executor(step) == "slurm") return run_slurm(step, data, on_failure_of);
  return run_shell(step, data, on_failure_of);
}

std::vector<std::pair<std::string, std::string>> RunExecutor::run_variables() const {
  std::vector<std::pair<std::string, std::string>> vars = {{"TAKO_RUN_ID", run_id_},
                                                           {"TAKO_WORKSPACE", spec_.workspace},
                                                           {"TAKO_REPO", spec_.identity},
                                                           {"TAKO_REPO_PATH", spec_.checkout}};
  for (const auto& [name, text] : spec_.inputs.texts) vars.emplace_back(input_env_name(name), text);
  return vars;
}

std::vector<std::string> RunExecutor::step_environment(const config::Step& step, const nlohmann::json& data,
                                                       const std::optional<std::string>& on_failure_of,
                                                       const std::string& output_file, Status* error) {
  if (!base_env_) {
    std::vector<std::string> base = proc::current_environment();
    for (const auto& name : tree_.secret_names()) proc::env_unset(base, name);  // a parent's too
    for (const auto& [k, v] : workflow_env_) proc::env_set(base, k, v);
    for (const auto& [k, v] : run_variables()) proc::env_set(base, k, v);
    base_env_ = std::move(base);
  }
  std::vector<std::string> env = *base_env_;
  auto step_env = rendered_step_env(step, data);
  if (!step_env) {
    *error = step_env.error();
    return env;
  }
  bool step_sets_tako_vars = false;
  for (const auto& [k, v] : *step_env) {
    step_sets_tako_vars = step_sets_tako_vars || k.starts_with("TAKO_");
    proc::env_set(env, k, v);
  }
  // tako's own variables win over the step's env.
  if (step_sets_tako_vars) {
    for (const auto& [k, v] : run_variables()) proc::env_set(env, k, v);
  }
  proc::env_set(env, "TAKO_STEP_ID", step.id);
  proc::env_set(env, "TAKO_OUTPUT", output_file);
  if (on_failure_of) proc::env_set(env, "TAKO_FAILED_STEP", *on_failure_of);
  return env;
}

Result<std::vector<std::pair<std::string, std::string>>> RunExecutor::rendered_step_env(const config::Step& step,
                                                                                        const nlohmann::json& data) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [k, v] : step.env) {
    if (std::find(secrets_.begin(), secrets_.end(), v) != secrets_.end()) {
      out.emplace_back(k, env_value(v));
      continue;
    }
    auto rendered = render_template(v, label(step, "env") + "." + k, data);
    if (!rendered) return Error{"failed to execute template: " + rendered.error().message};
    tree_.debug("env " + step.id + " " + k + "=" + *rendered);
    out.emplace_back(k, *rendered);
  }
  return out;
}

std::optional<std::string> RunExecutor::step_cache_key(const config::Step& step, const nlohmann::json& data) {
  if (step.cache_key_files.empty()) return std::nullopt;
  CacheKeyInput in;
  in.repository = spec_.identity;
  in.workflow = spec_.workflow->name;
  in.step_id = step.id;
  auto run = render_template(step.run.value_or(""), label(step, "run"), data);
  in.run = run ? *run : *step.run;
  in.image = step.image.value_or(spec_.workflow->image.value_or(""));
  for (const auto& [k, v] : step.env) {
    if (std::find(secrets_.begin(), secrets_.end(), v) != secrets_.end()) {
      in.env.emplace_back(k, v);  // the secret's name, never its value
    } else {
      auto r = render_template(v, label(step, "env") + "." + k, data);
      in.env.emplace_back(k, r ? *r : v);
    }
  }
  in.checkout = spec_.checkout;
  in.globs = step.cache_key_files;
  return compute_cache_key(in);
}

std::optional<StepOutcome> RunExecutor::cached_outcome(const config::Step& step,
                                                      const std::optional<std::string>& cache_key) {
  if (!cache_key || tree_.options().no_cache) return std::nullopt;
  auto hit = cache_lookup(tree_.options().settings.cache_dir, *cache_key);
  if (!hit) return std::nullopt;
  StepOutcome out;
  out.ok = true;
  out.cached = true;
  out.outputs = std::move(*hit);
  for (auto& [k, v] : out.outputs) v = tree_.mask(v);  // an entry written before masking applied
  tree_.debug("cache hit " + step.id + ": " + *cache_key);
  return out;
}

std::variant<RunExecutor::PreparedShell, StepOutcome> RunExecutor::prepare_shell(
    const config::Step& step, const nlohmann::json& data, const std::optional<std::string>& on_failure_of,
    const std::string& where) {
  StepOutcome out;
  auto rendered = render_template(step.run.value_or(""), label(step, "run"), data);
  if (!rendered) {
    out.error = "failed to execute template: " + rendered.error().message;
    return out;
  }
  tree_.debug("run " + step.id + where + ": " + *rendered);

  // Step cache (§7.13).
  std::optional<std::string> cache_key = step_cache_key(step, data);
  if (auto hit = cached_outcome(step, cache_key)) return std::move(*hit);

  const std::string tmp_dir = spec_.workspace + "/tmp/" + step.id;
  const std::string output_file = tmp_dir + "/output";
  if (auto s = tree_.scratch_dirs().make_scratch(tmp_dir, 0777); !s) {
    out.error = s.error().message;
    return out;
  }

  Status env_error;
  std::vector<std::string> env = step_environment(step, data, on_failure_of, output_file, &env_error);
  if (!env_error) {
    out.error = env_error.error().message;
    return out;
  }

  if (auto settled = settle_state(); !settled) {
    out.error = settled.error().message;
    return out;
  }
  return PreparedShell{std::move(*rendered), std::move(cache_key), output_file, std::move(env)};
}

StepOutcome RunExecutor::run_shell(const config::Step& step, const nlohmann::json& data,
                                   const std::optional<std::string>& on_failure_of) {
  auto prepared = prepare_shell(step, data, on_failure_of, "");
  if (auto* done = std::get_if<StepOutcome>(&prepared)) return std::move(*done);
  PreparedShell& p = std::get<PreparedShell>(prepared);
  StepCommand cmd;
  cmd.argv = proc::sh_command(p.command);
  cmd.cwd = spec_.checkout;
  cmd.env = std::move(p.env);
  return run_command(step, data, std::move(cmd), p.cache_key);
}

StepOutcome RunExecutor::run_command(const config::Step& step, const nlohmann::json& data, StepCommand cmd,
                                     const std::optional<std::string>& cache_key) {
  StepOutcome out;
  const std::string cache_dir = tree_.options().settings.cache_dir;
  const std::string tmp_dir = spec_.workspace + "/tmp/" + step.id;
  const std::string log_path = spec_.workspace + "/logs/" + step.id + ".log";
  // The log is created at the step's first line, not up front: a file creation costs about as
  // much as a short step on some file systems (a silent step leaves no log file; docs/ENGINE.md).
  auto log = std::make_shared<StepLog>(log_path);

  proc::ChildSpec spec;
  spec.spawn.argv = std::move(cmd.argv);
  spec.spawn.cwd = std::move(cmd.cwd);
  spec.spawn.env = std::move(cmd.env);
  spec.spawn.stdout_mode = proc::Stdio::Pipe;
  spec.spawn.stderr_mode = proc::Stdio::Pipe;
  spec.capture_stdout = true;
  spec.capture_stderr = true;
  spec.on_stop = std::move(cmd.on_stop);
  if (step.timeout) {
    auto t = util::parse_go_duration(*step.timeout);
    if (t && t->count() > 0) spec.timeout = *t;
  }
  const bool stream = tree_.options().verbose || (!tree_.options().json && ::isatty(STDOUT_FILENO) == 1);
  const std::string prefix = "[" + spec_.identity + "/" + step.id + "] ";
  Tree* tree = &tree_;
  spec.on_line = [tree, log, stream, prefix](proc::Stream which, std::string_view line, bool) {
    std::string masked = tree->mask(line);
    log->write_line(masked);
    if (stream) {
      if (which == proc::Stream::Stdout) tree->out_line(prefix + masked);
      else tree->err_line(prefix + masked);
    }
  };

  // Computes the outcome once the process has exited (also for long-running steps). A
  // synchronous step concludes while `data` is alive; a long-running one keeps a copy.
  std::shared_ptr<const nlohmann::json> kept =
      step.long_running ? std::make_shared<const nlohmann::json>(data) : nullptr;
  const nlohmann::json* data_at_start = kept ? kept.get() : &data;
  auto failure = std::move(cmd.failure);
  auto start_error = [&cmd](const Error& e) { return cmd.start_error ? cmd.start_error(e.message) : e.message; };
  auto after_exit = std::move(cmd.after_exit);
  auto conclude = [this, &step, data_at_start, kept, cache_key, cache_dir, failure,
                   after_exit](proc::ExitInfo& info) -> StepOutcome {
    const nlohmann::json& data = *data_at_start;
    // The step's own $TAKO_OUTPUT file stays in a kept workspace (a failed run): masked once the
    // step has ended, whatever its end (outputs are read from it first).
    struct MaskOutputFile {
      const Tree& tree;
      std::string path;
      ~MaskOutputFile() { tree.mask_file(path); }
    } mask_output_file{tree_, spec_.workspace + "/tmp/" + step.id + "/output"};
    if (after_exit) after_exit(info);
    StepOutcome o;
    if (info.timed_out) {
      o.error = "timed out after " + *step.timeout;
      return o;
    }
    if (interrupted_ && info.terminated) {
      o.error = "interrupted";
      return o;
    }
    if (info.status.exited()) o.exit_code = info.status.exit_code;
    if (!info.status.success()) {
      o.error = failure ? failure(info) : info.status.describe();
      return o;
    }
    OutputSources src{spec_.checkout, info.stdout_text, info.stderr_text, spec_.workspace + "/tmp/" + step.id + "/output"};
    auto render_output = [&](const std::string& text, const nlohmann::json& so_far) -> Result<std::string> {
      nlohmann::json d = data;
      d["stdout"] = info.stdout_text;
      d["stderr"] = info.stderr_text;
      d["outputs"] = so_far;
      add_template_aliases(d);
      return render_template(text, label(step, "outputs"), d);
    };
    auto outputs = compute_outputs(step.outputs, src, render_output);
    if (!outputs) {
      o.error = outputs.error().message;
      return o;
    }
    // Secrets leave masked form nowhere (docs/ENGINE.md): an output is masked where it is
    // captured, so every value derived from it — later steps' templates, event payloads,
    // child inputs, step-cache entries, state — only ever sees "***".
    for (auto& [k, v] : *outputs) v = tree_.mask(v);
    o.outputs = std::move(*outputs);
    auto events = produced_events(step, data, o.outputs);
    if (!events) {
      o.error = events.error().message;
      return o;
    }
    for (auto& e : *events) tree_.mask_json(e.payload);
    o.events = std::move(*events);
    if (cache_key) cache_store(cache_dir, *cache_key, o.outputs);
    o.ok = true;
    return o;
  };

  if (step.long_running) {
    auto lr = std::make_unique<LongRunning>();
    LongRunning* raw = lr.get();
    raw->step_id = step.id;
    raw->step = &step;
    spec.on_exit = [this, raw, conclude](proc::ExitInfo& info) {
      raw->outcome = conclude(info);
      raw->done = true;
      finish_step(raw->step_id, raw->outcome);
    };
    auto id = sup_->spawn(std::move(spec));
    if (!id) {
      out.error = start_error(id.error());
      return out;
    }
    raw->child = *id;
    long_running_.push_back(std::move(lr));
    out.ok = true;
    out.background = true;
    return out;
  }

  std::optional<StepOutcome> result;
  spec.on_exit = [&](proc::ExitInfo& info) { result = conclude(info); };
  auto id = sup_->spawn(std::move(spec));
  if (!id) {
    out.error = start_error(id.error());
    return out;
  }
  sup_->wait(*id);
  // The process group is gone and the outputs are read: an empty scratch dir can serve the next step.
  tree_.scratch_dirs().retire(tmp_dir);
  if (!result) {
    out.error = "interrupted";
    return out;
  }
  return *result;
}

Status RunExecutor::wait_long_running(std::string* failure_notes, std::string* error) {
  for (auto& lr : long_running_) {
    if (!lr->done) sup_->wait(lr->child);
  }
  for (auto& lr : long_running_) {
    if (lr->outcome.ok || lr->outcome.skipped) continue;
    std::string notes;
    run_on_failure(*lr->step, &notes);
    *failure_notes += notes;
    if (error->empty()) *error = "step '" + lr->step_id + "' failed: " + lr->outcome.error + notes;
  }
  long_running_.clear();
  if (!error->empty()) return Error{*error};
  return {};
}

}  // namespace tako::engine
