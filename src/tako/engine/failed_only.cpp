#include "tako/engine/failed_only.h"

#include <functional>
#include <set>

#include "tako/engine/repo_lock.h"
#include "tako/engine/run_spec.h"
#include "tako/repo/universe.h"

namespace tako::engine {

namespace {

constexpr const char* kNotResumed = "not resumed (--failed-only)";

// The step whose failure ended the run (the last failed top-level step).
const state::StepNode* failed_step(const state::RunNode& run) {
  const state::StepNode* last = nullptr;
  for (const auto& s : run.steps) {
    if (s.status == state::StepStatus::Failed && !s.on_failure_of) last = &s;
  }
  return last;
}

bool is_origin(const state::RunNode& run) {
  if (run.status == state::RunStatus::TimedOut || run.status == state::RunStatus::Cancelled) return true;
  if (run.status != state::RunStatus::Failed) return false;
  const state::StepNode* s = failed_step(run);
  return s != nullptr && !s->fan_out && !(s->uses && s->uses->rfind("tako/fan-out@", 0) == 0);
}

}  // namespace

FailedOnlyResult resume_failed_only(Tree& tree) {
  FailedOnlyResult result;
  // 1. Origins, outermost first (an origin's subtree resumes with it).
  std::vector<state::RunNode> origins;
  {
    auto l = tree.lock();
    // The root counts too when its own (non-fan-out) step failed: a
    // single-repository run resumes like a plain --resume.
    std::function<void(const state::RunNode&)> walk = [&](const state::RunNode& r) {
      if (is_origin(r)) {
        origins.push_back(r);
        return;
      }
      for (const auto& c : r.children) walk(c);
    };
    walk(l->root);
  }
  std::string root_id, root_lock_file;
  {
    auto l = tree.lock();
    root_id = l->root.run_id;
    root_lock_file = repo_lock_file(tree.options().settings.home, l->root.path);
  }
  for (const auto& o : origins) {
    auto spec = spec_from_node(o);
    if (!spec) {
      result.all_origins_completed = false;
      if (result.first_error.empty()) result.first_error = o.repository + ":" + o.workflow + ": " + spec.error().message;
      continue;
    }
    std::optional<RepoLock> lock;
    const bool is_root = !o.parent_run_id;  // run_exec already holds the root's lock
    // Ancestor rule (§10.8): a checkout sharing the root's lock file runs under the root's lock.
    const bool shared = o.isolation == state::Isolation::Shared;
    const bool under_root =
        shared && !is_root && repo_lock_file(tree.options().settings.home, o.path) == root_lock_file;
    if (shared && !is_root && !under_root) {
      auto l = acquire_repo_lock(tree.options().settings.home, o.path, o.repository, o.run_id,
                                 tree.options().lock_timeout, tree.options().lock_timeout_text, -2,
                                 {o.run_id, root_id});
      if (!l) {
        result.all_origins_completed = false;
        if (result.first_error.empty()) result.first_error = l.error().message;
        continue;
      }
      lock.emplace(std::move(*l));
    }
    RunExecutor exec(tree, o.run_id, std::move(*spec), nullptr);
    if (lock || is_root || under_root) exec.set_locked_path(o.path);
    if (!exec.execute()) {
      result.all_origins_completed = false;
      if (result.first_error.empty()) {
        auto l = tree.lock();
        const state::RunNode* n = state::find_run(l->root, o.run_id);
        result.first_error = o.repository + ":" + o.workflow + ": " + (n && n->error ? *n->error : "failed");
      }
    }
    if (tree.interrupted.load()) break;
  }

  // 2. Bottom-up settlement, each change committed.
  auto note = [&](const Status& s) {
    if (s) return;
    result.all_origins_completed = false;
    if (result.first_error.empty()) result.first_error = s.error().message;
  };
  {
    auto l = tree.lock();
    std::function<void(state::RunNode&)> settle = [&](state::RunNode& r) {
      for (auto& c : r.children) settle(c);
      if (r.status == state::RunStatus::Completed) return;
      for (auto& s : r.steps) {
        if (!s.fan_out || s.status == state::StepStatus::Completed) continue;
        bool all = !s.fan_out->children.empty();
        for (const auto& id : s.fan_out->children) {
          const state::RunNode* c = state::find_run(r, id);
          all = all && c && c->status == state::RunStatus::Completed;
        }
        if (all && s.fan_out->evaluation_errors.empty()) {
          s.status = state::StepStatus::Completed;
          s.error.reset();
          const store::StepEnd end = store::StepEnd::of(s);
          note(tree.record([&](store::Journal& j) { return j.step_finished(r.run_id, s.id, end); }));
        }
      }
      bool all_done = true;
      for (const auto& s : r.steps) {
        if (s.on_failure_of) continue;
        all_done = all_done && (s.status == state::StepStatus::Completed || s.status == state::StepStatus::Skipped);
      }
      size_t declared = 0;
      if (auto cfg = repo::load_repo_config(r.path); cfg) {
        if (const config::Workflow* wf = (*cfg)->find_workflow(r.workflow)) declared = wf->steps.size();
      }
      size_t executed = 0;
      for (const auto& s : r.steps) executed += s.on_failure_of ? 0 : 1;
      const state::RunStatus before = r.status;
      const std::optional<std::string> error_before = r.error;
      if (all_done && executed >= declared) {
        r.status = state::RunStatus::Completed;
        r.error.reset();
        r.current_step.reset();
      } else if (executed < declared) {
        r.status = state::RunStatus::Failed;
        r.error = std::string(kNotResumed);
      }
      if (r.status != before || r.error != error_before) {
        note(tree.record([&](store::Journal& j) {
          return j.run_finished(r.run_id, r.status, r.end_time, r.duration_ms, r.error);
        }));
      }
    };
    settle(l->root);
    state::for_each_run(l->root, [&](const state::RunNode& r, const state::RunNode*) {
      if (r.status == state::RunStatus::Failed && r.error == kNotResumed) {
        result.not_resumed.push_back(r.repository + ":" + r.workflow);
      }
    });
  }
  return result;
}

}  // namespace tako::engine
