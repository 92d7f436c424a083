// `tako exec` (REFERENCE.md §1.6): flag validation, then the engine.
#include <unistd.h>

#include <cstdlib>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/container/runtime.h"
#include "tako/engine/exec_command.h"
#include "tako/engine/slurm_step.h"
#include "tako/proc/spawn.h"
#include "tako/slurm/executor.h"
#include "tako/store/journal.h"
#include "tako/view/progress_mode.h"

namespace tako::cli {

namespace {

// Bounds of the tree-wide limits: generous, but small enough that no count overflows.
constexpr int64_t kMaxLimit = 1000000;

Result<int> positive_int_flag(const Invocation& inv, const std::string& name, int fallback) {
  auto n = count_flag(inv, name, "--" + name, fallback, kMaxLimit, "must be an integer >= 1");
  if (!n) return n.error();
  return int(*n);
}

}  // namespace

int cmd_exec(const Invocation& inv) {
  engine::ExecOptions o;
  if (inv.value("resume")) {
    o.resume = inv.value("resume");
    if (!inv.inputs.empty()) return report_usage_error("--inputs cannot be used with --resume", "exec");
  } else {
    if (inv.args.empty()) return report_usage_error("accepts 1 arg(s), received 0", "exec");
    if (inv.flag("failed-only")) return report_usage_error("--failed-only requires --resume", "exec");
  }
  if (!inv.args.empty()) o.workflow = inv.args[0];
  o.cli_inputs = inv.inputs;
  o.repo_flag = inv.global.repo;
  o.root_flag = inv.global.root;
  o.failed_only = inv.flag("failed-only");
  o.dry_run = inv.flag("dry-run");
  o.debug = inv.flag("debug");
  o.verbose = inv.flag("verbose");
  o.json = inv.global.json;
  o.color = color_enabled(inv.global.no_color);
  o.no_cache = inv.flag("no-cache");
  o.preserve_tmp = inv.flag("preserve-tmp");
  auto max_repos = positive_int_flag(inv, "max-concurrent-repos", 4);
  if (!max_repos) return report_usage_error(max_repos.error().message, "exec");
  o.max_concurrent_repos = *max_repos;
  auto max_depth = positive_int_flag(inv, "max-depth", 10);
  if (!max_depth) return report_usage_error(max_depth.error().message, "exec");
  o.max_depth = *max_depth;
  o.isolation = inv.value("isolation").value_or("shared");
  if (o.isolation != "shared" && o.isolation != "worktree") {
    return report_usage_error("invalid argument \"" + o.isolation +
                                  "\" for \"--isolation\" flag: must be one of shared, worktree",
                              "exec");
  }
  // The flag wins over TAKO_CONTAINER_RUNTIME (§12.1); an empty variable counts as unset.
  if (auto flag = inv.value("container-runtime")) {
    o.container_runtime = *flag;
    if (!container::valid_runtime_choice(o.container_runtime)) {
      return report_usage_error(container::invalid_runtime_message(o.container_runtime, true), "exec");
    }
  } else if (const char* env = std::getenv("TAKO_CONTAINER_RUNTIME"); env != nullptr && *env != '\0') {
    o.container_runtime = env;
    if (!container::valid_runtime_choice(o.container_runtime)) {
      return report_usage_error(container::invalid_runtime_message(o.container_runtime, false), "exec");
    }
  }
  // --executor wins over TAKO_EXECUTOR (docs/SCALE-OUT.md); an empty variable counts as unset.
  if (auto flag = inv.value("executor")) {
    o.executor = *flag;
    if (!slurm::valid_executor(o.executor)) return report_usage_error(slurm::invalid_executor_usage(*flag, true), "exec");
  } else if (const char* env = std::getenv("TAKO_EXECUTOR"); env != nullptr && *env != '\0') {
    o.executor = env;
    if (!slurm::valid_executor(o.executor)) return report_usage_error(slurm::invalid_executor_usage(env, false), "exec");
  }
  // Asked for the cluster: it must answer before anything runs (a dry run submits nothing).
  if (o.executor == slurm::kSlurm && !o.dry_run) {
    if (auto ok = engine::check_slurm_cluster(proc::current_environment()); !ok) return report_error(ok.error().message);
  }
  // --state-sync wins over TAKO_STATE_SYNC (§11.3).
  if (auto v = inv.value("state-sync")) {
    o.state_sync = *v;
    if (!store::parse_sync_mode(o.state_sync)) {
      return report_usage_error("invalid argument \"" + o.state_sync +
                                    "\" for \"--state-sync\" flag: must be one of normal, full",
                                "exec");
    }
  } else if (const char* env = std::getenv("TAKO_STATE_SYNC"); env != nullptr && *env != '\0') {
    o.state_sync = env;
    if (!store::parse_sync_mode(o.state_sync)) {
      return report_error("invalid TAKO_STATE_SYNC value \"" + o.state_sync + "\": must be one of normal, full");
    }
  }
  auto progress = progress_flag(inv);
  if (!progress) return report_usage_error(progress.error().message, "exec");
  o.live_view = !o.json && !o.dry_run && view::live_enabled(*progress, STDOUT_FILENO);
  auto lock_timeout = duration_flag(inv, "lock-timeout", "10m");
  if (!lock_timeout) return report_usage_error(lock_timeout.error().message, "exec");
  o.lock_timeout = *lock_timeout;
  o.lock_timeout_text = inv.value("lock-timeout").value_or("10m");
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  o.settings = *settings;
  return engine::run_exec(o);
}

}  // namespace tako::cli
