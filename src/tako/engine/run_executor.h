// One run: one workflow executed in one repository (REFERENCE.md §7.1–7.6, §7.13),
// as an object with its own workspace, state node, supervisor and
// cancellation, so many runs of a tree can execute concurrently (§10).
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/config/config.h"
#include "tako/engine/inputs.h"
#include "tako/engine/tree.h"
#include "tako/proc/supervisor.h"
#include "tako/state/document.h"
#include "tako/util/fs.h"

namespace tako::config {
struct UpdateDependencyParams;
}
namespace tako::deps {
enum class Ecosystem;
}

namespace tako::engine {

struct RunSpec {
  std::string run_id;
  std::string identity;  // repository identity
  std::string path;      // the repository's directory
  std::string checkout;  // where steps run (path, or a worktree)
  std::shared_ptr<const config::Config> config;
  const config::Workflow* workflow = nullptr;
  ResolvedInputs inputs;
  std::optional<state::EventRecord> event;
  std::string workspace;  // the run workspace directory
  int depth = 0;
};

// How a step ended, before it is written into its StepNode.
struct StepOutcome {
  bool ok = false;
  bool skipped = false;
  bool cached = false;
  bool background = false;  // a long-running step that keeps running
  std::string error;  // "exit status 1", "timed out after 5s", ...
  std::optional<int64_t> exit_code;
  std::map<std::string, std::string> outputs;
  std::vector<state::EventRecord> events;  // produces.events of a successful step
};

class RunExecutor {
 public:
  RunExecutor(Tree& tree, std::string run_id, RunSpec spec, RunExecutor* parent);
  ~RunExecutor();

  // Executes the run to its end. The state node (found by run id) is updated
  // throughout; returns true when the run completed.
  bool execute();
  // Frees what only the run's steps needed (template data, environment) once it has ended.
  void release_run_data();

  // Thread-safe: stops the run and its whole subtree (timeouts, fail_fast,
  // interrupts). Running step processes get SIGTERM, then SIGKILL after 5 s.
  void cancel(state::RunStatus final_status);
  bool cancelled() const { return cancelled_.load(); }
  // Readable once cancel() was called (lock waits watch it). Made on first use: a fan-out's
  // queued children would otherwise hold one descriptor each, copied into every spawn.
  int cancel_fd();
  // Wakes this run's loop (children report their end this way). Thread-safe.
  void wake();

  const RunSpec& spec() const { return spec_; }
  RunExecutor* parent() const { return parent_; }
  const std::string& run_id() const { return run_id_; }
  // The canonical checkout path whose repository lock this run holds ("" if none).
  const std::string& locked_path() const { return locked_path_; }
  void set_locked_path(std::string p) { locked_path_ = std::move(p); }

  // Template data and CEL activation of §7.9 / §9.4 for this run.
  nlohmann::json step_data();

 private:
  // A long-running step started in the background (§7.4).
  struct LongRunning {
    std::string step_id;
    const config::Step* step = nullptr;
    proc::ChildId child = 0;
    bool done = false;
    StepOutcome outcome;
  };

  // Runs `step` (recording it as a StepNode) and, when it fails, its on_failure
  // steps. Returns the step's outcome; `failure_notes` collects
  // " (on_failure step '<id>' also failed: <err>)" suffixes.
  StepOutcome run_step(const config::Step& step, const std::optional<std::string>& on_failure_of,
                       std::string* failure_notes);
  StepOutcome dispatch(const config::Step& step, const nlohmann::json& data,
                       const std::optional<std::string>& on_failure_of);
  // Writes the final status of a step into its node and persists it.
  void finish_step(const std::string& step_id, const StepOutcome& out);
  // Waits for children of fan-out steps with wait_for_children: false (§10.3).
  Status wait_for_detached_children();
  StepOutcome run_shell(const config::Step& step, const nlohmann::json& data,
                        const std::optional<std::string>& on_failure_of);
  // What a `run:` step (local or Slurm) has ready before its process starts: the rendered
  // command, the cache key, $TAKO_OUTPUT and the step's environment, the document settled.
  struct PreparedShell {
    std::string command;
    std::optional<std::string> cache_key;
    std::string output_file;
    std::vector<std::string> env;
  };
  // The prepared step, or the outcome to return at once (an error or a cache hit). `where`
  // follows the step id in the --debug line ("" locally, " (slurm)").
  std::variant<PreparedShell, StepOutcome> prepare_shell(const config::Step& step, const nlohmann::json& data,
                                                         const std::optional<std::string>& on_failure_of,
                                                         const std::string& where);
  // A step with an image (container_step.cpp, §12).
  StepOutcome run_container(const config::Step& step, const nlohmann::json& data,
                            const std::optional<std::string>& on_failure_of);
  // A shell step on a Slurm cluster (slurm_step.cpp, docs/SCALE-OUT.md).
  StepOutcome run_slurm(const config::Step& step, const nlohmann::json& data,
                        const std::optional<std::string>& on_failure_of);
  // local|slurm: the step's `executor`, else the workflow's, else --executor / TAKO_EXECUTOR.
  std::string step_executor(const config::Step& step) const;
  // The process of a step that runs a command — `sh -c` (run_shell) or a container runtime
  // (run_container): what differs between them, as data. run_command() does the rest the same
  // way for both: log, streaming, masking, timeout, long_running, outputs, events, cache.
  struct StepCommand {
    std::vector<std::string> argv;
    std::vector<std::string> env;  // complete KEY=VALUE environment
    std::string cwd;
    // The error of an unsuccessful exit (default: "exit status <n>" / "signal: <name>").
    std::function<std::string(const proc::ExitInfo&)> failure;
    // The error when the process cannot be started (default: the spawn error as it is).
    std::function<std::string(const std::string&)> start_error;
    // Runs on the loop thread when tako starts stopping the process (timeout, interrupt, cancel).
    std::function<void()> on_stop;
    // Runs once the process has exited, before its outcome is computed.
    std::function<void(const proc::ExitInfo&)> after_exit;
  };
  // Starts the step's process (settle_state() already awaited) and, unless it is long-running,
  // waits for it and returns its outcome.
  StepOutcome run_command(const config::Step& step, const nlohmann::json& data, StepCommand cmd,
                          const std::optional<std::string>& cache_key);
  // The recorded outcome when the step cache has a hit for `cache_key` (§7.13).
  std::optional<StepOutcome> cached_outcome(const config::Step& step, const std::optional<std::string>& cache_key);
  // The step's `env`, rendered, a value naming a declared secret replaced by its value.
  Result<std::vector<std::pair<std::string, std::string>>> rendered_step_env(const config::Step& step,
                                                                             const nlohmann::json& data);
  StepOutcome run_poll(const config::Step& step, const nlohmann::json& data);
  StepOutcome run_checkout(const config::Step& step, const nlohmann::json& data);
  // tako/create-pull-request@v1 (create_pull_request_step.cpp).
  StepOutcome run_create_pull_request(const config::Step& step, const nlohmann::json& data,
                                      const std::optional<std::string>& on_failure_of);
  // tako/update-dependency@v1 (update_dependency_step.cpp).
  StepOutcome run_update_dependency(const config::Step& step, const nlohmann::json& data);
  // Runs the lock-file tool of `eco` after `file` was edited (changed) or not.
  Status update_lock_file(const config::Step& step, const nlohmann::json& data, deps::Ecosystem eco,
                          const config::UpdateDependencyParams& params, const std::string& file, bool changed);
  StepOutcome run_fan_out(const config::Step& step, const nlohmann::json& data);
  // Events of `produces.events`, rendered with the step data and its outputs.
  Result<std::vector<state::EventRecord>> produced_events(const config::Step& step, const nlohmann::json& data,
                                                          const std::map<std::string, std::string>& outputs);
  // Appends a line to the step's log (built-in steps write their messages there).
  void log_line(const std::string& step_id, const std::string& line);
  void run_on_failure(const config::Step& step, std::string* failure_notes);
  Status wait_long_running(std::string* failure_notes, std::string* error);
  std::vector<std::string> step_environment(const config::Step& step, const nlohmann::json& data,
                                            const std::optional<std::string>& on_failure_of,
                                            const std::string& output_file, Status* error);
  // TAKO_RUN_ID, TAKO_WORKSPACE, TAKO_REPO, TAKO_REPO_PATH and the TAKO_INPUT_* variables.
  std::vector<std::pair<std::string, std::string>> run_variables() const;
  std::optional<std::string> step_cache_key(const config::Step& step, const nlohmann::json& data);
  void record_outputs(const std::string& step_id, const std::map<std::string, std::string>& outputs);
  state::RunNode& node();  // requires the document lock
  state::StepNode& step_node(const std::string& id);  // requires the document lock
  std::string label(const config::Step& step, const char* field) const;

  Tree& tree_;
  std::string run_id_;
  RunSpec spec_;
  RunExecutor* parent_;
  std::string locked_path_;
  std::unique_ptr<proc::Supervisor> sup_;
  std::vector<std::string> secrets_;       // declared secret names
  nlohmann::json env_map_ = nlohmann::json::object();  // template `env` root
  std::vector<std::pair<std::string, std::string>> workflow_env_;  // rendered workflow env
  std::map<std::string, nlohmann::json> step_outputs_;  // id -> outputs map (as json)
  // step_data() kept up to date by record_outputs() once the steps begin, instead of being
  // rebuilt per step (it grows with every step). Copy-on-write: a step that still holds the
  // snapshot it started with (a long-running step's outputs, a fan-out waiting for its
  // children while another step finishes) keeps seeing it unchanged.
  std::shared_ptr<nlohmann::json> data_;
  // tako's environment minus secrets plus the workflow env and the per-run TAKO_*
  // variables: the part of every step's environment that is the same for each step.
  std::optional<std::vector<std::string>> base_env_;
  std::vector<std::unique_ptr<LongRunning>> long_running_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int> cancel_status_{0};
  std::mutex sup_mu_;  // guards sup_ pointer for cancel() from other threads
  bool interrupted_ = false;
  std::mutex cancel_fd_mu_;
  util::UniqueFd cancel_fd_;  // eventfd, written by cancel(); guarded by cancel_fd_mu_
  // Child runs currently alive (for cancellation of the subtree).
  std::mutex children_mu_;
  std::vector<RunExecutor*> children_;
  // Fan-out steps with wait_for_children: false whose children are still owed (§10.3).
  std::vector<std::shared_ptr<struct FanOutState>> detached_;
  bool holds_slot_ = false;  // a child run executing under the tree-wide cap
  // A state commit failed: the run aborts with this error (§11.2, §11.3).
  std::optional<std::string> state_error_;
  // Keeps the first failed commit in state_error_ (requires nothing; cheap when ok).
  void note_state(const Status& s);
  // The run's state is committed (every commit happens before the engine goes on): the
  // error of a failed commit, checked before the step does anything outside tako (§11.3).
  Status settle_state();

 public:
  void set_holds_slot(bool v) { holds_slot_ = v; }
  void add_child(RunExecutor* c);
  void remove_child(RunExecutor* c);

 private:
  // Blocks (servicing this run's processes) until `done()` or `deadline`.
  bool wait_until(const std::function<bool()>& done, std::optional<std::chrono::steady_clock::time_point> deadline);
  // Fan-out machinery (fanout_step.cpp).
  StepOutcome finish_fan_out(const std::shared_ptr<struct FanOutState>& st, bool wait_all);
  // Discovery, matching and the trigger checks of a fan-out (§10.3-§10.6, §10.11): creates the
  // children in `st` and records them; `only` (lowercased identities) limits it to those
  // repositories (a resume retrying what failed).
  Status discover_and_trigger(const config::Step& step, const std::shared_ptr<struct FanOutState>& st,
                              const std::set<std::string>* only);
  StepOutcome resume_fan_out(const config::Step& step, const std::shared_ptr<struct FanOutState>& st,
                             const state::FanOutRecord& recorded);
  void launch_child(const std::shared_ptr<struct FanOutState>& st, struct ChildTask& t);
  void run_child(const std::shared_ptr<struct FanOutState>& st, struct ChildTask& t);
  Result<std::string> add_worktree(struct ChildTask& t, bool locked);
  void wait_children(const std::shared_ptr<struct FanOutState>& st);
  StepOutcome conclude_fan_out(const std::shared_ptr<struct FanOutState>& st);
  void set_waiting(const std::string& run_id, const std::optional<std::string>& reason);
};

}  // namespace tako::engine
