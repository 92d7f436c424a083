// tako/fan-out@v1 (REFERENCE.md §10): emits one event, runs every matching
// subscriber's workflow as a child run (one thread each, within the per-step
// and tree-wide limits), waits for the whole subtree, enforces the timeout and
// fail_fast, aggregates failures and records everything in the tree's state.
#include "tako/engine/fanout_step.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "tako/config/builtin_steps.h"
#include "tako/engine/expressions.h"
#include "tako/engine/repo_lock.h"
#include "tako/engine/run_executor.h"
#include "tako/engine/run_spec.h"
#include "tako/fanout/aggregate.h"
#include "tako/fanout/event.h"
#include "tako/fanout/matching.h"
#include "tako/repo/git.h"
#include "tako/state/ids.h"
#include "tako/util/file_lock.h"
#include "tako/util/fs.h"
#include "tako/util/go_format.h"
#include "tako/util/strings.h"

namespace tako::engine {

using Clock = std::chrono::steady_clock;

// One child run of a fan-out step.
struct ChildTask {
  std::string run_id;
  std::string identity;
  std::string workflow;
  std::string repo_path;
  std::unique_ptr<RunExecutor> exec;
  std::thread thread;
  std::atomic<bool> done{false};
  state::RunStatus status = state::RunStatus::Pending;
  std::string error;
  uint64_t step_ticket = 0;
  uint64_t tree_ticket = 0;
  bool worktree = false;
};

struct FanOutState {
  std::string step_id;
  config::FanOutParams params;
  state::EventRecord event;
  std::string fan_out_id;
  std::string fingerprint;
  std::vector<std::unique_ptr<ChildTask>> children;
  std::vector<fanout::ChildFailure> rejected;  // cycle, depth, input mapping
  std::vector<std::string> evaluation_errors;
  std::vector<std::optional<std::string>> error_repositories;  // of each evaluation error (§11.4 retry)
  int selected = 0;
  std::unique_ptr<Slots> step_slots;
  std::atomic<int> remaining{0};
  int launched = 0;  // threads started (main thread only)
  int joined = 0;    // threads joined (main thread only)
  std::optional<Clock::time_point> deadline;
  Clock::time_point started;
  bool timed_out = false;
  // Set before the timeout or fail_fast cancels any child: a running child that is cancelled
  // gives its slot back at once, and a pending one must not take it before its own cancel() (§10.9).
  std::atomic<bool> stopping{false};
  std::vector<std::string> still_running;  // at timeout expiry
  std::atomic<bool> fail_fast_fired{false};
  int kept_completed = 0;  // children completed before a resume
  const config::Step* step = nullptr;
};

namespace {

std::string status_word(state::RunStatus s) { return std::string(state::to_string(s)); }

int64_t ms_since(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

// The canonical path used for repository locks.
std::string canonical(const std::string& path) {
  return util::real_path(path).value_or(path);
}

}  // namespace

std::vector<std::string> dry_run_candidates(Tree& tree, const std::string& identity,
                                            const std::shared_ptr<const config::Config>& config,
                                            const config::Step& step) {
  std::vector<std::string> out;
  auto universe = tree.universe();
  if (!universe) return out;
  state::EventRecord ev;
  ev.source = identity;
  ev.type = step.with.contains("event_type") && step.with["event_type"].is_string()
                ? step.with["event_type"].get<std::string>()
                : "";
  ev.artifact = "default";
  if (step.with.contains("artifact") && step.with["artifact"].is_string()) {
    ev.artifact = step.with["artifact"].get<std::string>();
  } else {
    // The artifact of the last earlier step declaring one.
    for (const auto& w : config->workflows) {
      std::string last;
      for (const auto& s : w.steps) {
        if (&s == &step) {
          if (!last.empty()) ev.artifact = last;
          break;
        }
        if (s.produces_artifact) last = *s.produces_artifact;
      }
    }
  }
  for (const auto& c : fanout::discover(**universe, ev)) {
    const repo::Member& m = (*universe)->members()[size_t(c.member)];
    for (size_t i : c.subscriptions) out.push_back(m.identity + " -> " + m.config->subscriptions[i].workflow);
  }
  return out;
}

StepOutcome RunExecutor::run_fan_out(const config::Step& step, const nlohmann::json& data) {
  StepOutcome out;
  auto st = std::make_shared<FanOutState>();
  st->step_id = step.id;
  st->started = Clock::now();

  auto with = render_leaves(step.with, label(step, "with"), data);
  if (!with) {
    out.error = "failed to execute template: " + with.error().message;
    return out;
  }
  auto params = config::parse_fan_out_params(*with);
  if (!params) {
    out.error = params.error().message;
    return out;
  }
  st->params = std::move(*params);
  if (st->params.timeout.count() > 0) st->deadline = st->started + st->params.timeout;
  st->step_slots = std::make_unique<Slots>(int(st->params.concurrency_limit));
  st->step = &step;

  // A resumed fan-out reuses its recorded event and children (§11.4).
  std::optional<state::FanOutRecord> recorded;
  {
    auto l = tree_.lock();
    if (const state::StepNode* sn = state::find_step(node(), step.id); sn && sn->fan_out) recorded = sn->fan_out;
  }
  if (recorded && !recorded->children.empty()) {
    st->event = recorded->event;
    st->fan_out_id = recorded->fan_out_id;
    st->fingerprint = fanout::fingerprint(st->event);
    return resume_fan_out(step, st, *recorded);
  }

  if (spec_.identity.find('/') == std::string::npos) {
    out.error = "fan-out requires an owner/repo identity for " + spec_.path + "; set metadata.name in tako.yml";
    return out;
  }

  // The event (§10.2).
  state::EventRecord& ev = st->event;
  ev.id = state::new_event_id();
  ev.type = st->params.event_type;
  ev.source = spec_.identity;
  ev.namespaced_type = spec_.identity + "/" + ev.type;
  // Payload and schema version of the most recent completed step producing this
  // type; artifact of the most recent completed step declaring one.
  std::string produced_version, produced_artifact;
  {
    auto l = tree_.lock();
    for (const auto& s : node().steps) {
      if (s.status != state::StepStatus::Completed) continue;
      for (const auto& e : s.events) {
        if (e.type != ev.type) continue;
        ev.payload = e.payload;
        produced_version = e.schema_version;
      }
      for (const auto& cs : spec_.workflow->steps) {
        if (cs.id == s.id && cs.produces_artifact) produced_artifact = *cs.produces_artifact;
      }
    }
  }
  if (!ev.payload.is_object()) ev.payload = nlohmann::json::object();
  for (const auto& [k, v] : st->params.payload.items()) ev.payload[k] = v;
  // The event leaves this run (state, children's inputs and data): masked here (docs/ENGINE.md).
  tree_.mask_json(ev.payload);
  const config::ProducedEventType* declared = nullptr;
  for (const auto& p : spec_.config->produces) {
    if (p.type == ev.type) declared = &p;
  }
  ev.schema_version = st->params.schema_version.value_or(
      !produced_version.empty() ? produced_version : (declared ? declared->schema_version : ""));
  ev.artifact = st->params.artifact.value_or(produced_artifact.empty() ? "default" : produced_artifact);
  ev.timestamp = state::now();
  if (declared) {
    if (auto v = fanout::validate_payload(*declared, ev.payload); !v) {
      out.error = v.error().message;
      return out;
    }
  }
  st->fan_out_id = state::new_fan_out_id();
  st->fingerprint = fanout::fingerprint(ev);
  {
    auto l = tree_.lock();
    state::StepNode& sn = step_node(step.id);
    state::FanOutRecord rec;
    rec.fan_out_id = st->fan_out_id;
    rec.event = ev;
    rec.wait_for_children = st->params.wait_for_children;
    rec.timeout = st->params.timeout_text;
    sn.fan_out = rec;
    note_state(tree_.record([&](store::Journal& j) { return j.fan_out_recorded(run_id_, step.id, rec); }));
  }
  if (auto s = settle_state(); !s) {
    out.error = s.error().message;
    return out;
  }

  if (auto s = discover_and_trigger(step, st, nullptr); !s) {
    out.error = s.error().message;
    return out;
  }
  if (auto s = settle_state(); !s) {  // every child is committed before any of them starts
    out.error = s.error().message;
    return out;
  }
  return finish_fan_out(st, st->params.wait_for_children);
}

Status RunExecutor::discover_and_trigger(const config::Step& step, const std::shared_ptr<FanOutState>& st,
                                         const std::set<std::string>* only) {
  const state::EventRecord& ev = st->event;
  const size_t rejected_before = st->rejected.size();
  // Discovery (§10.4).
  auto universe = tree_.universe();
  if (!universe) return universe.error();
  std::vector<fanout::Candidate> candidates = fanout::discover(**universe, ev);
  if (only != nullptr) {
    std::erase_if(candidates, [&](const fanout::Candidate& c) {
      return !only->contains(util::to_lower((*universe)->members()[size_t(c.member)].identity));
    });
  }
  size_t count = 0;
  for (const auto& c : candidates) count += c.subscriptions.size();
  if (count == 0) {
    tree_.err_line(fanout::log_timestamp() + " INFO no subscriptions found for event, skipping fan-out event=" + ev.type);
  } else {
    tree_.err_line(fanout::log_timestamp() + " INFO discovered subscriptions for fan-out event=" + ev.type +
                   " count=" + std::to_string(count));
  }

  // Matching (§10.5): the first matching subscription of each repository.
  struct Selected {
    const repo::Member* member;
    const config::Subscription* sub;
  };
  std::vector<Selected> selected;
  cel::Activation act = fanout::filter_activation(ev);
  for (const auto& c : candidates) {
    const repo::Member& m = (*universe)->members()[size_t(c.member)];
    // Subscriptions are numbered in config order (top-level, then events.subscriptions),
    // the order of §10.3 step 3, in the log lines and evaluation error items.
    std::vector<const config::Subscription*> subs;
    for (size_t i : c.subscriptions) subs.push_back(&m.config->subscriptions[i]);
    fanout::Selection sel = fanout::select_subscription(subs, ev, act);
    for (size_t p = 0; p < subs.size(); ++p) {
      const fanout::Evaluation& e = sel.evaluations[p];
      tree_.debug("candidate " + m.identity + " subscription " + std::to_string(c.subscriptions[p]) + " -> " +
                  subs[p]->workflow + ": artifact " + subs[p]->artifact + " matches" +
                  (e.range_note.empty() ? "" : "; " + e.range_note) +
                  (e.filter_notes.empty() ? "" : "; " + util::join(e.filter_notes, "; ")) +
                  (e.error ? "; error: " + *e.error : "") + (e.matched ? " => match" : " => no match"));
    }
    for (const auto& [p, error] : sel.errors) {
      const std::string index = std::to_string(c.subscriptions[p]);
      tree_.err_line("[WARN] Subscription evaluation failed [repository " + m.identity + " subscription " + index +
                     " error " + error + "]");
      st->evaluation_errors.push_back("subscription evaluation failed for " + m.identity + ": subscription " +
                                      index + ": " + error);
      st->error_repositories.emplace_back(m.identity);
    }
    for (size_t p : sel.skipped) {
      tree_.err_line("[INFO] Subscription skipped [repository " + m.identity + " subscription " +
                     std::to_string(c.subscriptions[p]) + " reason earlier subscription " +
                     std::to_string(c.subscriptions[*sel.selected]) + " matched]");
    }
    const config::Subscription* first = sel.selected ? subs[*sel.selected] : nullptr;
    if (first != nullptr) selected.push_back({&m, first});
  }
  std::stable_sort(selected.begin(), selected.end(), [](const Selected& a, const Selected& b) {
    std::string ka = util::to_lower(a.member->identity), kb = util::to_lower(b.member->identity);
    if (ka != kb) return ka < kb;
    return a.sub->workflow < b.sub->workflow;
  });
  {
    auto l = tree_.lock();
    state::FanOutRecord& rec = *step_node(step.id).fan_out;
    rec.evaluation_errors = st->evaluation_errors;
    rec.error_repositories = st->error_repositories;
  }

  // Trigger (§10.3 step 4): cycle, depth, duplicate and input checks, then the child.
  const int child_depth = spec_.depth + 1;
  std::vector<const state::RunNode*> created;  // nodes of a std::list: stable addresses
  for (const Selected& s : selected) {
    const std::string name = s.member->identity + ":" + s.sub->workflow;
    // Cycle: (repository, workflow) already on the path from the root to this run.
    std::vector<std::string> path;
    bool cycle = false;
    for (RunExecutor* r = this; r != nullptr; r = r->parent_) {
      path.insert(path.begin(), r->spec_.identity + ":" + r->spec_.workflow->name);
      if (util::iequals(r->spec_.identity, s.member->identity) && r->spec_.workflow->name == s.sub->workflow) {
        cycle = true;
      }
    }
    if (cycle) {
      ++st->selected;
      path.push_back(name);
      st->rejected.push_back({s.member->identity, s.sub->workflow, "circular fan-out detected: " + util::join(path, " -> ")});
      continue;
    }
    if (child_depth > tree_.options().max_depth) {
      ++st->selected;
      st->rejected.push_back({s.member->identity, s.sub->workflow,
                              "fan-out depth limit exceeded: depth " + std::to_string(child_depth) + " > max " +
                                  std::to_string(tree_.options().max_depth) + " (" + name + ")"});
      continue;
    }
    const std::string key = st->fingerprint + ":" + util::to_lower(s.member->identity) + ":" + s.sub->workflow;
    {
      auto l = tree_.lock();
      if (!tree_.keys.insert(key).second) {
        tree_.err_line("[INFO] Duplicate event delivery dropped [repository " + s.member->identity + " workflow " +
                       s.sub->workflow + " fingerprint " + st->fingerprint.substr(0, 16) + "]");
        continue;
      }
    }
    ++st->selected;
    const config::Workflow* wf = s.member->config->find_workflow(s.sub->workflow);
    if (wf == nullptr) {
      st->rejected.push_back({s.member->identity, s.sub->workflow,
                              name + ": workflow '" + s.sub->workflow + "' not found"});
      continue;
    }
    // Input mapping (§10.6).
    const nlohmann::json mdata = mapping_data(ev);
    std::vector<std::pair<std::string, std::string>> given;
    std::string map_error;
    for (const auto& [k, t] : s.sub->inputs) {
      auto r = render_template(t, s.member->identity + ".subscription." + k, mdata);
      if (!r) {
        map_error = "failed to execute template: " + r.error().message;
        break;
      }
      given.emplace_back(k, *r);
    }
    std::optional<ResolvedInputs> inputs;
    if (map_error.empty()) {
      auto resolved = resolve_inputs(*wf, given);
      if (resolved) inputs = std::move(*resolved);
      else map_error = resolved.error().message;
    }
    if (!inputs) {
      st->rejected.push_back({s.member->identity, s.sub->workflow,
                              name + ": failed to map inputs for " + s.member->identity + ": " + map_error});
      continue;
    }
    if (child_depth == tree_.options().max_depth * 7 / 10 && child_depth > 0) {
      auto l = tree_.lock();
      if (!tree_.depth_warning_printed) {
        tree_.depth_warning_printed = true;
        tree_.err_line("warning: execution tree depth " + std::to_string(child_depth) + " reached at " + name +
                       " (limit " + std::to_string(tree_.options().max_depth) + ")");
      }
    }
    // The child, recorded `pending` before it starts (§11.3).
    auto task = std::make_unique<ChildTask>();
    task->identity = s.member->identity;
    task->workflow = wf->name;
    task->repo_path = s.member->path;
    RunSpec cs;
    cs.identity = s.member->identity;
    cs.path = s.member->path;
    cs.checkout = s.member->path;
    cs.config = s.member->config;
    cs.workflow = wf;
    cs.inputs = std::move(*inputs);
    cs.event = ev;
    cs.depth = child_depth;
    {
      auto l = tree_.lock();
      task->run_id = state::new_run_id([&](const std::string& id) { return state::find_run(l->root, id) != nullptr; });
      cs.run_id = task->run_id;
      cs.workspace = spec_.workspace + "/children/" + task->run_id;
      state::RunNode child;
      child.run_id = task->run_id;
      child.parent_run_id = run_id_;
      child.parent_step = step.id;
      child.key = key;
      child.repository = cs.identity;
      child.path = cs.path;
      child.workflow = wf->name;
      child.status = state::RunStatus::Pending;
      child.depth = child_depth;
      std::string iso = st->params.isolation.value_or(tree_.options().isolation);
      child.isolation = iso == "worktree" ? state::Isolation::Worktree : state::Isolation::Shared;
      task->worktree = iso == "worktree";
      child.workspace = cs.workspace;
      child.inputs = cs.inputs.values;
      child.event = ev;
      child.waiting_for = "concurrency slot";
      node().children.push_back(std::move(child));
      step_node(step.id).fan_out->children.push_back(task->run_id);
      // §11.3: a child's creation is committed before it starts.
      // Committed below with its siblings, in one transaction, before any of them starts (§11.3).
      created.push_back(&node().children.back());
      note_state(tree_.add_state_bytes(512 + created.back()->inputs.dump().size() + ev.payload.dump().size()));
    }
    task->exec = std::make_unique<RunExecutor>(tree_, task->run_id, std::move(cs), this);
    st->children.push_back(std::move(task));
  }
  // Selected pairs that were not created are recorded with the evaluation errors (as their
  // error items read), so that a resume retries them instead of forgetting them (§11.4).
  {
    auto l = tree_.lock();
    state::FanOutRecord& rec = *step_node(step.id).fan_out;
    std::vector<std::string>& recorded = rec.evaluation_errors;
    for (size_t i = rejected_before; i < st->rejected.size(); ++i) {
      recorded.push_back(st->rejected[i].text);
      rec.error_repositories.emplace_back(st->rejected[i].repository);
    }
    if (!created.empty() && !state_error_) {
      note_state(tree_.record([&](store::Journal& j) { return j.children_created(created); }));
    }
    if (!recorded.empty() || only != nullptr) {  // a retry may have cleared them
      note_state(tree_.record(
          [&](store::Journal& j) { return j.fan_out_errors(run_id_, step.id, recorded, rec.error_repositories); }));
    }
  }
  return {};
}

}  // namespace tako::engine

namespace tako::engine {

void RunExecutor::launch_child(const std::shared_ptr<FanOutState>& st, ChildTask& t) {
  st->remaining.fetch_add(1);
  ++st->launched;
  add_child(t.exec.get());
  t.step_ticket = st->step_slots->ticket();
  t.tree_ticket = tree_.slots().ticket();
  t.thread = std::thread([this, st, &t] { run_child(st, t); });
}

void RunExecutor::set_waiting(const std::string& run_id, const std::optional<std::string>& reason) {
  auto l = tree_.lock();
  state::RunNode* n = state::find_run(l->root, run_id);
  if (n == nullptr || n->waiting_for == reason) return;
  n->waiting_for = reason;
  // A reason cleared is committed with the run's start (run_started clears it).
  if (reason) note_state(tree_.record([&](store::Journal& j) { return j.run_waiting(run_id, *reason); }));
}

void RunExecutor::run_child(const std::shared_ptr<FanOutState>& st, ChildTask& t) {
  RunExecutor& ex = *t.exec;
  // The emitting run's own cancellation counts too: cancel() marks it before it cascades
  // to the children one by one, so a pending child never starts in a slot freed meanwhile.
  auto stop = [&] { return ex.cancelled() || cancelled() || st->stopping.load() || tree_.interrupted.load(); };
  const std::string canon = canonical(t.repo_path);
  // The ancestor rule (§10.8) compares lock files, not paths: checkouts in subdirectories of
  // one git repository share its <git dir>/tako.lock.
  const std::string& home = tree_.options().settings.home;
  const std::string lock_file = repo_lock_file(home, canon);
  bool ancestor_lock = false;
  std::vector<std::string> waiting_runs{t.run_id};  // for deadlock detection (lock_waits.h)
  for (RunExecutor* r = this; r != nullptr; r = r->parent_) {
    waiting_runs.push_back(r->run_id());
    const std::string& held = r->locked_path();
    if (!held.empty() && (held == canon || repo_lock_file(home, held) == lock_file)) ancestor_lock = true;
  }
  std::optional<RepoLock> lock;
  std::string start_error;
  bool started = false;
  bool have_step_slot = false, have_tree_slot = false;

  // Slots first, then the repository lock: a child holds its lock only while it executes
  // (§14), so queued children neither keep other tako processes out of their checkouts nor
  // hold a descriptor each (every spawn copies the descriptor table).
  auto take_slots = [&] {
    set_waiting(t.run_id, "concurrency slot");
    have_step_slot = st->step_slots->acquire(t.step_ticket, stop);
    if (have_step_slot) have_tree_slot = tree_.slots().acquire(t.tree_ticket, stop);
  };
  auto give_back_slots = [&] {
    if (have_tree_slot) tree_.slots().release();
    if (have_step_slot) st->step_slots->release();
    have_tree_slot = have_step_slot = false;
  };
  if (!stop()) take_slots();
  if (have_step_slot && have_tree_slot && !stop() && !ancestor_lock) {
    auto free_now = try_repo_lock(tree_.options().settings.home, t.repo_path, t.identity, t.run_id);
    if (free_now && free_now->has_value()) {
      lock.emplace(std::move(**free_now));
    } else {
      // Waiting for a lock: out of the slot lines meanwhile, or a sibling that holds this
      // lock and needs a slot to finish would wait behind us. The tickets keep their place.
      give_back_slots();
      set_waiting(t.run_id, "lock on " + t.identity);
      auto l = acquire_repo_lock(tree_.options().settings.home, t.repo_path, t.identity, t.run_id,
                                 tree_.options().lock_timeout, tree_.options().lock_timeout_text, ex.cancel_fd(),
                                 waiting_runs);
      if (l) lock.emplace(std::move(*l));
      else if (!stop()) start_error = l.error().message;
      st->step_slots->resume(t.step_ticket);
      tree_.slots().resume(t.tree_ticket);
      if (!stop() && start_error.empty()) {
        take_slots();
      } else {  // leave the lines for good
        st->step_slots->suspend(t.step_ticket);
        tree_.slots().suspend(t.tree_ticket);
      }
    }
  }
  // A child stopped before it asked for a slot (or refused the step slot, so never asked for
  // the tree-wide one) still has its tickets in line: they must go, or the tree-wide line
  // waits for them forever (§10.8, §10.9).
  if (!have_step_slot) st->step_slots->leave(t.step_ticket);
  if (!have_tree_slot) tree_.slots().leave(t.tree_ticket);
  if (have_step_slot && have_tree_slot && !stop() && start_error.empty()) {
    std::string worktree;
    if (t.worktree) {
      auto wt = add_worktree(t, lock.has_value() || ancestor_lock);
      if (!wt) start_error = wt.error().message;
      else worktree = *wt;
      if (!ancestor_lock) lock.reset();  // the run itself executes in its own worktree
    }
    if (start_error.empty()) {
      started = true;
      set_waiting(t.run_id, std::nullopt);
      ex.set_locked_path(t.worktree || ancestor_lock ? "" : canon);
      ex.set_holds_slot(true);
      bool ok = ex.execute();
      if (ok && !worktree.empty()) {
        auto rl = acquire_repo_lock(tree_.options().settings.home, t.repo_path, t.identity, t.run_id,
                                    tree_.options().lock_timeout, tree_.options().lock_timeout_text, -1);
        (void)repo::run_git({"-C", t.repo_path, "worktree", "remove", "--force", worktree});
      }
      // A completed child's workspace that holds nothing serves the next child (DirPool).
      if (ok) tree_.scratch_dirs().retire_workspace(ex.spec_.workspace);
      have_tree_slot = ex.holds_slot_;
    }
  } else if (!have_tree_slot && have_step_slot) {
    // cancelled while waiting for the tree-wide slot
  }
  int64_t duration = 0;
  {
    auto l = tree_.lock();
    state::RunNode* n = state::find_run(l->root, t.run_id);
    if (!started) {
      n->waiting_for.reset();
      if (!start_error.empty()) {
        n->status = state::RunStatus::Failed;
        n->error = tree_.mask(start_error);
      } else {
        n->status = state::RunStatus::Cancelled;
        n->error = "cancelled";
      }
      // §11.3: the child's final status is committed before the fan-out step completes.
      const state::RunStatus status = n->status;
      const std::optional<std::string> err = n->error;
      (void)tree_.record([&](store::Journal& j) { return j.run_finished(t.run_id, status, n->end_time, n->duration_ms, err); });
    }
    t.status = n->status;
    t.error = n->error.value_or("");
    duration = n->duration_ms.value_or(0);
  }
  // fail_fast: siblings are cancelled before this child's slots are released, and no
  // pending sibling starts in a slot that a running sibling frees when it is cancelled
  // before the pending one is (§10.9).
  bool cancelled_siblings = false;
  if (t.status != state::RunStatus::Completed && st->params.fail_fast && !st->fail_fast_fired.exchange(true)) {
    st->stopping = true;
    for (auto& sib : st->children) {
      if (sib.get() != &t) sib->exec->cancel(state::RunStatus::Cancelled);
    }
    cancelled_siblings = true;
  }
  // A slot handed to a waiting child (or a step slot to one that finds a tree-wide slot free)
  // starts that child now: this child's end waits for its first write and shares it. The
  // announcement comes first (and is taken back when nobody was waiting), or the new child's
  // request could come before it and leave the write waiting for nobody.
  if (have_tree_slot) tree_.slots().release();
  if (have_step_slot) st->step_slots->release();
  if (cancelled_siblings) {  // waiting siblings re-check their cancellation
    st->step_slots->poke();
    tree_.slots().poke();
  }
  lock.reset();
  tree_.err_line("[INFO] Child workflow execution completed [repository " + t.identity + " workflow " + t.workflow +
                 " status " + status_word(t.status) + " duration_ms " + std::to_string(duration) + " run_id " +
                 t.run_id + "]");
  remove_child(&ex);
  // The run's template data go here, on its own thread after its slot was handed on, not with
  // the executor at the fan-out's end, where hundreds would be freed in series before the
  // emitting run can go on.
  ex.release_run_data();
  t.done.store(true);
  st->remaining.fetch_sub(1);
  wake();
}

Result<std::string> RunExecutor::add_worktree(ChildTask& t, bool locked) {
  (void)locked;
  const std::string dir = spec_.workspace + "/children/" + t.run_id;
  if (auto s = util::make_dirs(dir); !s) return s.error();
  const std::string wt = dir + "/worktree";
  if (!repo::run_git({"-C", t.repo_path, "rev-parse", "--verify", "--quiet", "HEAD"}).ok()) {
    return Error{"isolation 'worktree' requires a git repository with at least one commit: " + t.repo_path};
  }
  repo::GitResult r = repo::run_git({"-C", t.repo_path, "worktree", "add", "--detach", wt, "HEAD"});
  if (!r.ok()) return Error{"git worktree add failed: " + r.trimmed() + " - exit status " + std::to_string(r.exit_code)};
  {
    auto l = tree_.lock();
    if (state::RunNode* n = state::find_run(l->root, t.run_id)) {
      n->worktree = wt;
      note_state(tree_.record([&](store::Journal& j) { return j.worktree_set(t.run_id, wt); }));
    }
  }
  t.exec->spec_.checkout = wt;
  return wt;
}

void RunExecutor::wait_children(const std::shared_ptr<FanOutState>& st) {
  // A run blocked on its children does not count against the tree-wide cap (§10.8).
  const bool had_slot = holds_slot_;
  if (had_slot) {
    tree_.slots().release();
    holds_slot_ = false;
  }
  bool cancelled_children = false;
  // Threads of finished children are joined as they finish: unmapping hundreds of thread
  // stacks at the end would hold up the emitting run.
  auto join_finished = [&] {
    for (auto& c : st->children) {
      if (c->done.load() && c->thread.joinable()) {
        c->thread.join();
        ++st->joined;
      }
    }
  };
  while (st->remaining.load() > 0) {
    std::optional<Clock::time_point> deadline;
    if (!st->timed_out) deadline = st->deadline;
    bool done = wait_until(
        [&] {
          // Once the children were cancelled, this run's own cancellation is no news: it
          // would end every wait at once and spin until the children are done.
          return st->remaining.load() == 0 || (!cancelled_children && (interrupted_ || cancelled_.load())) ||
                 st->launched - st->remaining.load() > st->joined;
        },
        deadline);
    join_finished();
    if ((interrupted_ || cancelled_.load() || tree_.interrupted.load()) && !cancelled_children) {
      cancelled_children = true;
      if (interrupted_) tree_.interrupted = true;
      state::RunStatus why = interrupted_ ? state::RunStatus::Cancelled : state::RunStatus(cancel_status_.load());
      for (auto& c : st->children) c->exec->cancel(why);
      st->step_slots->poke();
      tree_.slots().poke();
      continue;
    }
    if (!done && deadline && !st->timed_out && st->remaining.load() > 0) {
      st->timed_out = true;
      st->stopping = true;  // before the first cancel() frees a slot
      {
        // Only children that started count as still running; pending ones become cancelled (§10.9).
        auto l = tree_.lock();
        for (auto& c : st->children) {
          if (c->done.load()) continue;
          const state::RunNode* n = state::find_run(l->root, c->run_id);
          if (n != nullptr && n->status == state::RunStatus::Running) {
            st->still_running.push_back(c->identity + ":" + c->workflow);
          }
        }
      }
      std::sort(st->still_running.begin(), st->still_running.end());
      for (auto& c : st->children) c->exec->cancel(state::RunStatus::TimedOut);
      st->step_slots->poke();
      tree_.slots().poke();
    }
  }
  for (auto& c : st->children) {
    if (c->thread.joinable()) c->thread.join();
  }
  if (had_slot) {
    uint64_t ticket = tree_.slots().ticket();
    tree_.slots().acquire(ticket, [] { return false; });
    holds_slot_ = true;
  }
}

StepOutcome RunExecutor::conclude_fan_out(const std::shared_ptr<FanOutState>& st) {
  StepOutcome out;
  std::vector<fanout::ChildFailure> failures = st->rejected;
  for (auto& c : st->children) {
    const std::string name = c->identity + ":" + c->workflow;
    switch (c->status) {
      case state::RunStatus::Completed:
        break;
      case state::RunStatus::TimedOut:
        failures.push_back({c->identity, c->workflow, name + ": timed out"});
        break;
      case state::RunStatus::Cancelled:
        failures.push_back({c->identity, c->workflow, name + ": cancelled"});
        break;
      default:
        failures.push_back({c->identity, c->workflow, name + ": " + c->error});
    }
  }
  const int triggered = int(st->children.size()) + st->kept_completed;
  const int selected = st->selected + st->kept_completed;
  const size_t error_count = failures.size() + st->evaluation_errors.size();
  bool ok = error_count == 0 && !st->timed_out;
  if (st->timed_out) {
    out.error = "fan-out timed out after " + st->params.timeout_text.value_or("") + ": " +
                std::to_string(st->still_running.size()) + " children still running (" +
                util::join(st->still_running, ", ") + ")";
  } else if (!ok) {
    out.error = fanout::aggregate_error(selected, failures, st->evaluation_errors);
  }
  out.ok = ok;
  out.outputs["event_id"] = st->event.id;
  out.outputs["fan_out_id"] = st->fan_out_id;
  out.outputs["triggered_count"] = std::to_string(triggered);
  out.outputs["success"] = ok ? "true" : "false";
  tree_.err_line("[INFO] Fan-out completed [duration_ms " + std::to_string(ms_since(st->started)) + " success " +
                 (ok ? "true" : "false") + " triggered_count " + std::to_string(triggered) + " error_count " +
                 std::to_string(error_count) + " source_repo " + spec_.identity + " fan_out_id " + st->fan_out_id +
                 "]");
  return out;
}

StepOutcome RunExecutor::finish_fan_out(const std::shared_ptr<FanOutState>& st, bool wait_all) {
  for (auto& c : st->children) launch_child(st, *c);
  if (!wait_all) {
    // The step completes now; the run waits for the children before it ends (§10.3 step 5).
    detached_.push_back(st);
    StepOutcome out;
    out.ok = true;
    out.outputs["event_id"] = st->event.id;
    out.outputs["fan_out_id"] = st->fan_out_id;
    out.outputs["triggered_count"] = std::to_string(st->children.size() + size_t(st->kept_completed));
    out.outputs["success"] = "true";
    return out;
  }
  wait_children(st);
  return conclude_fan_out(st);
}

Status RunExecutor::wait_for_detached_children() {
  std::string first_error;
  for (auto& st : detached_) {
    wait_children(st);
    StepOutcome out = conclude_fan_out(st);
    if (out.ok) continue;
    finish_step(st->step_id, out);
    std::string notes;
    if (st->step != nullptr) run_on_failure(*st->step, &notes);
    if (first_error.empty()) first_error = "step '" + st->step_id + "' failed: " + out.error + notes;
  }
  detached_.clear();
  if (!first_error.empty()) return Error{first_error};
  return {};
}

StepOutcome RunExecutor::resume_fan_out(const config::Step& step, const std::shared_ptr<FanOutState>& st,
                                        const state::FanOutRecord& recorded) {
  StepOutcome out;
  for (const auto& id : recorded.children) {
    state::RunNode copy;
    {
      auto l = tree_.lock();
      const state::RunNode* n = state::find_run(l->root, id);
      if (n == nullptr) continue;
      copy = *n;
    }
    if (copy.status == state::RunStatus::Completed) {
      ++st->kept_completed;
      continue;
    }
    ++st->selected;
    auto task = std::make_unique<ChildTask>();
    task->run_id = id;
    task->identity = copy.repository;
    task->workflow = copy.workflow;
    task->repo_path = copy.path;
    task->worktree = copy.isolation == state::Isolation::Worktree;
    // Configuration re-read from disk; recorded inputs, event and workspace (§11.4).
    auto spec = spec_from_node(copy);
    if (!spec) {
      st->rejected.push_back({copy.repository, copy.workflow,
                              copy.repository + ":" + copy.workflow + ": " + spec.error().message});
      continue;
    }
    RunSpec cs = std::move(*spec);
    if (cs.checkout != copy.path) task->worktree = false;  // reuse the kept worktree
    {
      auto l = tree_.lock();
      state::RunNode* n = state::find_run(l->root, id);
      n->status = state::RunStatus::Pending;
      n->waiting_for = "concurrency slot";
      note_state(tree_.record([&](store::Journal& j) { return j.run_waiting(id, "concurrency slot"); }));
      if (copy.key) tree_.keys.insert(*copy.key);
    }
    task->exec = std::make_unique<RunExecutor>(tree_, id, std::move(cs), this);
    st->children.push_back(std::move(task));
  }
  // What the recorded attempt selected but could not create (cycle, depth, input mapping), and
  // repositories whose filters failed, are retried with the recorded event against the configs
  // as they are now; the recorded children stay as they are (§11.4).
  // Which repository an error concerns is recorded with it (FanOutRecord::error_repositories).
  std::set<std::string> retry;
  std::vector<std::string> kept;  // an item naming no repository is reported again, never dropped
  for (size_t i = 0; i < recorded.evaluation_errors.size(); ++i) {
    const std::optional<std::string>* repo =
        i < recorded.error_repositories.size() ? &recorded.error_repositories[i] : nullptr;
    if (repo != nullptr && *repo) retry.insert(util::to_lower(**repo));
    else kept.push_back(recorded.evaluation_errors[i]);
  }
  if (!retry.empty()) {
    if (auto s = discover_and_trigger(step, st, &retry); !s) {
      out.error = s.error().message;
      return out;
    }
  }
  if (!kept.empty()) {
    st->evaluation_errors.insert(st->evaluation_errors.end(), kept.begin(), kept.end());
    st->error_repositories.resize(st->evaluation_errors.size());
    auto l = tree_.lock();
    state::FanOutRecord& rec = *step_node(step.id).fan_out;
    if (retry.empty()) {
      rec.evaluation_errors.clear();
      rec.error_repositories.clear();
    }
    rec.evaluation_errors.insert(rec.evaluation_errors.end(), kept.begin(), kept.end());
    rec.error_repositories.resize(rec.evaluation_errors.size());
    note_state(tree_.record([&](store::Journal& j) {
      return j.fan_out_errors(run_id_, step.id, rec.evaluation_errors, rec.error_repositories);
    }));
  }
  if (auto s = settle_state(); !s) {
    out.error = s.error().message;
    return out;
  }
  return finish_fan_out(st, recorded.wait_for_children);
}

}  // namespace tako::engine
