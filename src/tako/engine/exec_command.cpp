#include "tako/engine/exec_command.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "tako/engine/failed_only.h"
#include "tako/engine/fanout_step.h"
#include "tako/engine/inputs.h"
#include "tako/engine/lock_waits.h"
#include "tako/engine/log_archive.h"
#include "tako/engine/repo_lock.h"
#include "tako/engine/run_executor.h"
#include "tako/engine/summary.h"
#include "tako/engine/tree.h"
#include "tako/proc/group_keeper.h"
#include "tako/proc/interrupt.h"
#include "tako/proc/leftovers.h"
#include "tako/repo/identity.h"
#include "tako/repo/universe.h"
#include "tako/state/ids.h"
#include "tako/state/liveness.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/store/shared_journal.h"
#include "tako/util/file_lock.h"
#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"
#include "tako/util/version.h"
#include "tako/view/live_view.h"

namespace tako::engine {

namespace {

void out(const ExecOptions& o, const std::string& text) {
  if (o.json) return;
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

// The run lock's informational payload (§14), so a refused resume can name the holder's pid.
void write_run_lock_holder(util::FileLock& lock, const std::string& run_id) {
  util::LockHolder self;
  self.pid = ::getpid();
  self.run_id = run_id;
  self.acquired_at = state::format_time(state::now());
  (void)lock.write_payload(util::lock_holder_json(self));
}

int fail(const std::string& message, const Tree* tree = nullptr) {
  std::string m = tree ? tree->mask(message) : message;
  std::fflush(stdout);
  std::fprintf(stderr, "Error: workflow execution failed: %s\n", m.c_str());
  return 1;
}

void print_header(const ExecOptions& o, const std::string& workflow,
                  const std::map<std::string, std::string>& inputs) {
  std::string h = "Executing workflow '" + workflow + "'\n";
  if (o.repo_flag) h += "Repository: " + *o.repo_flag + "\n";
  if (o.resume) h += "Resuming from: " + *o.resume + "\n";
  if (!inputs.empty()) {
    h += "Inputs:\n";
    for (const auto& [k, v] : inputs) h += "  " + k + ": " + v + "\n";
  }
  out(o, h);
}

// The steps recorded `running`: interrupted, unless a process of theirs is still running.
void collect_running_steps(const state::RunNode& run, std::set<proc::StepRef>& steps) {
  for (const auto& s : run.steps) {
    if (s.status == state::StepStatus::Running) steps.insert({run.run_id, s.id});
  }
  for (const auto& c : run.children) collect_running_steps(c, steps);
}

// The steps that were running when the tree's tako died may still be running: kill -9
// leaves their process groups behind. They are stopped (SIGTERM, SIGKILL after the §7.12
// grace) before anything is re-run, or a step would run twice at once (docs/ENGINE.md).
Status stop_leftover_processes(const state::RunNode& root) {
  std::set<proc::StepRef> steps;
  collect_running_steps(root, steps);
  std::vector<proc::Leftover> found = proc::find_leftovers(steps);
  if (found.empty()) return {};
  std::map<proc::StepRef, std::vector<std::string>> pids;
  for (const proc::Leftover& l : found) pids[l.step].push_back(std::to_string(l.pid));
  for (const auto& [step, list] : pids) {
    std::fprintf(stderr, "warning: stopping leftover processes of interrupted step '%s' of run %s: pids %s\n",
                 step.second.c_str(), step.first.c_str(), util::join(list, ", ").c_str());
  }
  if (!proc::stop_leftovers(found, steps, std::chrono::seconds(5))) {
    return Error{"leftover processes of interrupted run " + root.run_id + " could not be stopped"};
  }
  return {};
}

std::string raw_run_text(const config::Step& s) {
  if (s.uses) return "uses " + *s.uses;
  std::string text;
  for (char c : s.run.value_or("")) {
    if (c == '\n') text += "\\n";
    else text += c;
  }
  return text;
}

// Entry directory and configuration of the root run.
struct Entry {
  std::string path;
  std::string identity;
  std::shared_ptr<const config::Config> config;
};

Result<Entry> load_entry(const ExecOptions& o, repo::Resolver& resolver,
                         const std::optional<std::string>& recorded_path) {
  Entry e;
  if (recorded_path) {
    // Resume: the recorded checkout, wherever tako is started from (§11.4).
    e.path = *recorded_path;
  } else if (o.repo_flag) {
    auto spec = repo::parse_spec(*o.repo_flag);
    if (!spec) return spec.error();
    repo::Resolver* r = &resolver;
    auto resolved = r->resolve(*spec, false, "");
    if (!resolved) return resolved.error();
    e.path = resolved->path;
  } else {
    auto dir = repo::entry_directory(o.root_flag);
    if (!dir) return dir.error();
    e.path = *dir;
  }
  auto cfg = repo::load_repo_config(e.path);
  if (!cfg) return cfg.error();
  e.config = *cfg;
  e.identity = repo::compute_identity(e.path, e.config->metadata_name, o.settings.repos_dir());
  return e;
}

int dry_run(const ExecOptions& o, Tree& tree, const Entry& entry, const config::Workflow& wf,
            const std::map<std::string, std::string>& header_inputs) {
  std::string plan;
  state::RunNode root;
  root.run_id = state::new_run_id();
  root.repository = entry.identity;
  root.workflow = wf.name;
  for (const auto& s : wf.steps) {
    plan += "[dry-run] " + s.id + ": " + raw_run_text(s) + "\n";
    // A container step: the image it would run in (§12.2), on a line of its own so the
    // established `[dry-run] <id>: <command>` line stays as it is.
    if (!s.uses && (s.image || wf.image)) plan += "[dry-run]   image: " + s.image.value_or(wf.image.value_or("")) + "\n";
    if (s.uses && s.uses->rfind("tako/fan-out@", 0) == 0) {
      for (const auto& c : dry_run_candidates(tree, entry.identity, entry.config, s)) {
        plan += "[dry-run]   candidate: " + c + "\n";
      }
    }
    state::StepNode sn;
    sn.id = s.id;
    sn.status = state::StepStatus::Completed;
    root.steps.push_back(sn);
  }
  (void)header_inputs;
  out(o, plan);
  SummaryStyle st;
  st.dry_run = true;
  st.color = o.color;
  out(o, "\n" + render_summary(root, true, "0s", st));
  if (o.json) {
    nlohmann::json j = {{"run_id", root.run_id}, {"success", true}, {"duration_ms", 0}, {"error", nullptr},
                        {"run", state::to_json(root)}};
    std::printf("%s\n", j.dump(2).c_str());
  }
  return 0;
}

int finish_failed_only(const ExecOptions& o, Tree& tree, proc::InterruptGuard& guard,
                       std::chrono::steady_clock::time_point started, view::LiveView* live) {
  FailedOnlyResult r = resume_failed_only(tree);
  if (live != nullptr) live->stop();  // the summary replaces the live view
  auto elapsed = std::chrono::steady_clock::now() - started;
  state::RunNode snapshot;
  {
    auto l = tree.lock();
    snapshot = l->root;
  }
  SummaryStyle st;
  st.color = o.color;
  std::string duration = util::format_go_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
  std::string text = "\n" + render_summary(snapshot, r.all_origins_completed, duration, st);
  if (!r.not_resumed.empty()) text += "Not resumed (--failed-only): " + util::join(r.not_resumed, ", ") + "\n";
  out(o, text);
  if (!r.all_origins_completed) {
    std::fflush(stdout);
    std::fputs(tree.mask(render_failure_logs(snapshot)).c_str(), stderr);
  }
  if (o.json) {
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    nlohmann::json j = {{"run_id", snapshot.run_id},
                        {"success", r.all_origins_completed},
                        {"duration_ms", ms},
                        {"error", r.all_origins_completed ? nlohmann::json(nullptr) : nlohmann::json(r.first_error)},
                        {"run", state::to_json(snapshot)}};
    tree.mask_json(j);  // one boundary for the whole document (docs/ENGINE.md)
    std::printf("%s\n", j.dump(2).c_str());
    std::fflush(stdout);
  }
  if (guard.interrupted()) {
    std::fprintf(stderr, "Error: workflow execution interrupted\n");
    return guard.exit_code();
  }
  if (!r.all_origins_completed) return fail(r.first_error, &tree);
  return 0;
}

// The recorded tree of `run_id` (§11.4): `run '<id>' not found` when there is no store yet.
Result<state::StateDocument> load_recorded(const std::string& home, const std::string& run_id) {
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return db.error();
  if (!*db) return Error{"run '" + run_id + "' not found"};
  return store::load_tree(**db, run_id);
}

Result<std::unique_ptr<store::SharedJournal>> open_journal(const ExecOptions& o) {
  store::JournalOptions jo;
  jo.sync = store::parse_sync_mode(o.state_sync).value_or(store::SyncMode::Normal);
  jo.tako_version = kVersion;
  jo.pid = ::getpid();
  jo.hostname = state::local_hostname();
  return store::SharedJournal::open(store::store_path(o.settings.home), std::move(jo));
}

}  // namespace

int run_exec(const ExecOptions& o) {
  proc::InterruptGuard guard;
  // Ends the steps' process groups if this process is killed (docs/PROCESSES.md).
  auto keeper = proc::GroupKeeper::start_or_warn();
  const std::string home = o.settings.home;

  // Resume: the recorded tree decides the workflow and the inputs.
  std::optional<state::StateDocument> loaded;
  std::optional<util::FileLock> run_lock;
  std::string workflow_name = o.workflow;
  std::map<std::string, std::string> header_inputs;
  for (const auto& [k, v] : o.cli_inputs) header_inputs[k] = v;
  if (o.resume) {
    auto l = load_recorded(home, *o.resume);
    if (!l) return fail(l.error().message);
    loaded = std::move(*l);
    auto lock = util::FileLock::try_acquire(util::run_lock_path(home, *o.resume));
    if (!lock) return fail(lock.error().message);
    if (!lock->has_value()) {
      auto holder = util::read_lock_holder(util::run_lock_path(home, *o.resume));
      return fail("run " + *o.resume + " is locked by another tako process (pid " +
                  (holder ? std::to_string(holder->pid) : std::string("unknown")) + ")");
    }
    run_lock = std::move(**lock);
    write_run_lock_holder(*run_lock, *o.resume);
    const state::RunNode& root = loaded->root;
    if (root.status == state::RunStatus::Completed) {
      out(o, "Run " + *o.resume + " already completed; nothing to resume.\n");
      return 0;
    }
    if (!o.workflow.empty() && o.workflow != root.workflow) {
      return fail("workflow '" + o.workflow + "' does not match run " + *o.resume + " (workflow '" + root.workflow +
                  "')");
    }
    workflow_name = root.workflow;
    header_inputs = root.cli_inputs;
  }
  Tree tree(o);
  repo::Resolver resolver(o.settings);
  auto entry = load_entry(o, resolver,
                          loaded ? std::optional<std::string>(loaded->root.path) : std::nullopt);
  if (!entry) {
    print_header(o, workflow_name, header_inputs);
    return fail(entry.error().message);
  }
  const config::Workflow* wf = entry->config->find_workflow(workflow_name);
  if (wf == nullptr) {
    print_header(o, workflow_name, header_inputs);
    return fail("workflow '" + workflow_name + "' not found");
  }
  // The header waits for the workflow: a secret's value given as an input is printed masked.
  for (const auto& name : wf->secrets) {
    if (const char* v = std::getenv(name.c_str())) tree.add_secret(v);
  }
  for (auto& [k, v] : header_inputs) v = tree.mask(v);
  print_header(o, workflow_name, header_inputs);

  std::vector<std::pair<std::string, std::string>> given = o.cli_inputs;
  if (loaded) {
    given.clear();
    for (const auto& kv : loaded->root.cli_inputs) given.emplace_back(kv.first, kv.second);
  }
  auto inputs = resolve_inputs(*wf, given);
  if (!inputs) return fail(inputs.error().message);

  if (o.dry_run) return dry_run(o, tree, *entry, *wf, header_inputs);

  for (const auto& name : wf->secrets) {
    if (std::getenv(name.c_str()) == nullptr) return fail("required secret '" + name + "' is not set");
  }
  if (loaded) {
    if (auto s = stop_leftover_processes(loaded->root); !s) return fail(s.error().message);
  }

  // The store's journal, then a new tree's run id and run lock.
  auto journal = open_journal(o);
  if (!journal) return fail(journal.error().message);
  std::string run_id;
  if (loaded) {
    run_id = *o.resume;
  } else {
    Status lookup;
    run_id = state::new_run_id([&](const std::string& id) {
      bool taken = false;
      Status s = (*journal)->apply([&](store::Journal& j) -> Status {
        auto r = store::run_exists(j.db(), id);
        if (!r) return r.error();
        taken = *r;
        return {};
      });
      if (!s) lookup = s;
      return taken;
    });
    if (!lookup) return fail(lookup.error().message);
    auto lock = util::FileLock::try_acquire(util::run_lock_path(home, run_id));
    if (!lock || !lock->has_value()) return fail("could not lock run " + run_id);
    run_lock = std::move(**lock);
    write_run_lock_holder(*run_lock, run_id);
  }

  // The repository lock, held for the whole execution of the root run.
  // Every repository lock of this tree names the wait file other processes follow (§14 deadlock).
  LockWaits::instance().enable(home);
  auto repo_lock = acquire_repo_lock(home, entry->path, entry->identity, run_id, o.lock_timeout, o.lock_timeout_text);
  if (!repo_lock) {
    if (guard.interrupted()) {
      std::fprintf(stderr, "Error: workflow execution interrupted\n");
      return guard.exit_code();
    }
    return fail(repo_lock.error().message);
  }

  const std::string workspace = home + "/workspaces/" + run_id;
  if (auto s = util::make_dirs(workspace + "/logs"); !s) return fail(s.error().message);

  state::StateDocument doc;
  if (loaded) {
    doc = *loaded;
  } else {
    state::RunNode& root = doc.root;
    root.run_id = run_id;
    root.repository = entry->identity;
    root.path = entry->path;
    root.workflow = wf->name;
    root.status = state::RunStatus::Pending;
    root.depth = 0;
    root.isolation = state::Isolation::Shared;
    root.workspace = workspace;
    root.inputs = inputs->values;
    for (const auto& [k, v] : o.cli_inputs) root.cli_inputs[k] = v;
    // Secrets never enter the store (§11.1): a secret's value given as an input is masked.
    tree.mask_json(root.inputs);
    for (auto& [k, v] : root.cli_inputs) v = tree.mask(v);
  }
  doc.root.workspace = workspace;
  // §11.3: the tree is committed at its start; a resumed tree records its new owner.
  const state::RunNode& root_node = doc.root;
  Status created = (*journal)->apply([&](store::Journal& j) {
    return loaded ? j.tree_resumed(run_id) : j.run_created(root_node);
  });
  if (!created) return fail(created.error().message);
  tree.init_state(std::move(doc), std::move(*journal));
  {
    auto l = tree.lock();  // the recorded tree counts towards the size limit (§11.2)
    std::uint64_t bytes = 0;
    state::for_each_run(l->root, [&](const state::RunNode& r, const state::RunNode*) {
      bytes += 512 + r.inputs.dump().size() + (r.event ? r.event->payload.dump().size() : 0);
      for (const auto& st : r.steps) {
        bytes += 256 + st.id.size() + (st.error ? st.error->size() : 0);
        for (const auto& [k, v] : st.outputs) bytes += k.size() + v.size() + 8;
      }
    });
    if (auto sized = tree.add_state_bytes(bytes); !sized) return fail(sized.error().message);
  }

  RunSpec spec;
  spec.run_id = run_id;
  spec.identity = entry->identity;
  spec.path = entry->path;
  spec.checkout = entry->path;
  spec.config = entry->config;
  spec.workflow = wf;
  spec.inputs = std::move(*inputs);
  spec.workspace = workspace;
  spec.depth = 0;

  // The live view reads the committed tree from the store, like `tako status --watch`. A view
  // that cannot read the store is only a missing view: the run goes on with the plain lines.
  std::unique_ptr<view::LiveView> live;
  if (o.live_view && !o.json) {
    view::ViewOptions vo;
    vo.color = o.color;
    if (auto v = view::LiveView::start(home, run_id, vo)) live = std::move(*v);
  }
  const auto started = std::chrono::steady_clock::now();
  if (o.failed_only) return finish_failed_only(o, tree, guard, started, live.get());
  RunExecutor root(tree, run_id, std::move(spec), nullptr);
  root.set_locked_path(entry->path);
  bool ok = root.execute();
  if (live) live->stop();  // the summary replaces the live view
  if (guard.interrupted()) tree.interrupted = true;
  auto elapsed = std::chrono::steady_clock::now() - started;

  state::RunNode snapshot;
  {
    auto l = tree.lock();
    snapshot = l->root;
  }
  Status flushed = tree.finish_state();
  if (ok && !flushed) ok = false;  // a run whose final state is not on disk did not succeed
  std::string duration = util::format_go_duration(std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed));
  if (loaded && snapshot.start_time && snapshot.end_time) {
    duration = util::format_go_duration(*snapshot.end_time - *snapshot.start_time);
  }
  SummaryStyle st;
  st.color = o.color;
  out(o, "\n" + render_summary(snapshot, ok, duration, st));

  std::string error = snapshot.error.value_or(flushed ? std::string() : flushed.error().message);
  if (!ok) {
    std::string logs = tree.mask(render_failure_logs(snapshot));
    std::fflush(stdout);
    std::fputs(logs.c_str(), stderr);
  }
  if (o.json) {
    int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count();
    nlohmann::json j = {{"run_id", run_id},
                        {"success", ok},
                        {"duration_ms", ms},
                        {"error", ok ? nlohmann::json(nullptr) : nlohmann::json(error)},
                        {"run", state::to_json(snapshot)}};
    tree.mask_json(j);  // one boundary for the whole document (docs/ENGINE.md)
    std::printf("%s\n", j.dump(2).c_str());
    std::fflush(stdout);
  }
  if (guard.interrupted()) {
    std::fprintf(stderr, "Error: workflow execution interrupted\n");
    return guard.exit_code();
  }
  if (!ok) {
    std::fprintf(stderr, "Error: workflow execution failed: %s\n", tree.mask(error).c_str());
    return 1;
  }
  if (!flushed) return fail(flushed.error().message);
  if (!o.preserve_tmp) {
    // The logs move to <home>/logs/<run-id>/ first (§2); a workspace whose logs cannot move is kept.
    if (auto s = remove_workspace(workspace, log_archive_dir(home, run_id)); !s) {
      std::fprintf(stderr, "warning: workspace %s kept: %s\n", workspace.c_str(), s.error().message.c_str());
    }
  }
  return 0;
}

}  // namespace tako::engine
