// The journal: the small interface through which the owner of an execution tree
// commits its state changes to the store (§11.3). Each verb is one
// transaction that updates the current-state tables (runs, steps, events,
// fan_outs, the root's updated_at) AND appends one history row; a verb either
// happens entirely or not at all, whatever happens to the process.
//
// The verbs mirror the engine's state changes today (RunExecutor, fan-out step):
//   run_created      a root run, before it starts        (§11.3 "at run start")
//   child_created    a child run, `pending`, before it starts
//   children_created the children of one fan-out at once (one transaction)
//   run_waiting      a run is pending: "concurrency slot", "lock on <repo>", "parent"
//   run_started      status running, start time
//   worktree_set     a child's worktree path (worktree isolation)
//   step_started     status running (+ process group), before its process starts
//   step_finished    final status, outputs, exit code, emitted events
//   event_emitted    one more event of a step
//   fan_out_recorded the fan-out of a step (its event, parameters)
//   fan_out_errors   the evaluation errors of a fan-out (§10.10)
//   run_finished     final status, end time, error        (§11.3 "end of every run"; a root run's end syncs)
//   tree_resumed     a resumed tree's new owner stamp
//
// Durability (--state-sync, §11.3) lives in SyncPolicy below and nowhere else.
// Not thread-safe: the scheduler (one thread per tree) owns its journal.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tako/state/document.h"
#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::store {

enum class SyncMode { Normal, Full };
// "normal" | "full" (the --state-sync / TAKO_STATE_SYNC values).
std::optional<SyncMode> parse_sync_mode(std::string_view s);

using SteadyTime = std::chrono::steady_clock::time_point;

// When the write-ahead log must reach the disk.
//  * full:   SQLite syncs at every commit (synchronous=FULL); nothing more to do.
//  * normal: commits do not wait for the disk (synchronous=NORMAL). The log is synced
//    at the end of every root run (the tree), and no committed change stays unsynced longer than
//    `interval` (1 s): the first unsynced commit arms a deadline; a commit after it,
//    or the owner's sync_if_due() at it, syncs.
class SyncPolicy {
 public:
  SyncPolicy(SyncMode mode, std::chrono::milliseconds interval) : mode_(mode), interval_(interval) {}
  SyncMode mode() const { return mode_; }
  // After a commit at `now`; `end_of_run`: the commit recorded a run's end.
  // True: sync now.
  bool after_commit(SteadyTime now, bool end_of_run);
  // True when unsynced commits are older than the interval.
  bool due(SteadyTime now) const;
  // When the owner must call sync_if_due() at the latest; nullopt when nothing is unsynced.
  std::optional<SteadyTime> deadline() const;
  void synced();

 private:
  SyncMode mode_;
  std::chrono::milliseconds interval_;
  std::optional<SteadyTime> unsynced_since_;
};

struct JournalOptions {
  SyncMode sync = SyncMode::Normal;
  std::chrono::milliseconds sync_interval{1000};
  OpenOptions open;
  std::function<SteadyTime()> clock = [] { return std::chrono::steady_clock::now(); };
  std::function<state::Timestamp()> wall_clock = state::now;  // history times, updated_at
  // The owner stamp of the trees this journal creates (§11.1 document header).
  std::string tako_version;
  int64_t pid = 0;
  std::string hostname;
};

// What step_finished records.
struct StepEnd {
  state::StepStatus status = state::StepStatus::Completed;
  state::Timestamp end_time{};
  std::optional<int64_t> duration_ms;
  std::optional<int64_t> exit_code;
  std::optional<std::string> error;
  std::map<std::string, std::string> outputs;
  bool cached = false;
  std::vector<state::EventRecord> events;

  // The end of `step` as the document holds it (an unset end time is now).
  static StepEnd of(const state::StepNode& step);
};

class Journal {
 public:
  // Opens (creating or migrating) the store at `path` with the durability of `opts.sync`.
  static Result<std::unique_ptr<Journal>> open(const std::string& path, JournalOptions opts = {});
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // The run's fields as given; its steps and children are not looked at (they are
  // recorded by their own verbs). A root run gets the owner stamp.
  Status run_created(const state::RunNode& run);
  // `child.parent_run_id` and `parent_step` must name a recorded run and step; the child
  // is appended to that run's children (and the step's fan-out children).
  Status child_created(const state::RunNode& child);
  // The children a fan-out step triggered at once, in trigger order, in ONE transaction: a
  // resumed fan-out reuses its recorded child list (§11.4), so a kill between two children
  // must not leave half of them recorded. All must have the same parent run and step.
  Status children_created(const std::vector<const state::RunNode*>& children);
  Status run_waiting(const std::string& run_id, const std::string& reason);
  // Running, start time kept when already set (a resumed run), end/error/waiting cleared.
  Status run_started(const std::string& run_id, state::Timestamp start);
  Status worktree_set(const std::string& run_id, const std::string& worktree);
  // The step as running (replacing an earlier attempt, which moves to the end of the start
  // order; a recorded fan-out is kept for resume); the run's current_step.
  Status step_started(const std::string& run_id, const state::StepNode& step, std::optional<int64_t> pgid = {});
  Status step_finished(const std::string& run_id, const std::string& step_id, const StepEnd& end);
  Status event_emitted(const std::string& run_id, const std::string& step_id, const state::EventRecord& event);
  // The fan-out's event and parameters; its `children` and `evaluation_errors` are ignored
  // (children come from child_created, errors from fan_out_errors).
  Status fan_out_recorded(const std::string& run_id, const std::string& step_id, const state::FanOutRecord& fan_out);
  // `repositories`: the repository each error concerns (null: none), index for index, or empty.
  Status fan_out_errors(const std::string& run_id, const std::string& step_id, const std::vector<std::string>& errors,
                        const std::vector<std::optional<std::string>>& repositories = {});
  // Status, end time, duration; `error` null on success. The end of a root run (one this
  // journal created or resumed) syncs the log; a child run's end is synced within the interval.
  // `end` is null for a run that never started (cancelled or refused while pending).
  Status run_finished(const std::string& run_id, state::RunStatus status, state::OptTime end,
                      std::optional<int64_t> duration_ms, const std::optional<std::string>& error);
  // A resumed tree has a new owner: the root's owner stamp (version, pid, hostname) becomes
  // this journal's (§11.5 liveness follows the process executing the tree now).
  Status tree_resumed(const std::string& root_run_id);

  // Durability (see SyncPolicy). The owner's loop wakes at next_sync_deadline() at the latest.
  Status sync_if_due();
  std::optional<SteadyTime> next_sync_deadline() const { return policy_.deadline(); }
  Status sync();
  std::uint64_t sync_count() const { return syncs_; }

  Db& db() { return *db_; }

 private:
  struct Statements;
  Journal(std::unique_ptr<Db> db, JournalOptions opts, std::unique_ptr<Statements> st);
  // Runs `change` in one transaction with the history row and the root's updated_at.
  Status insert_child(const state::RunNode& child);  // inside a commit
  Status commit(const std::string& run_id, const std::optional<std::string>& step_id, const std::string& kind,
                const std::string& data, const std::function<Status()>& change, bool end_of_run = false);

  std::unique_ptr<Db> db_;
  JournalOptions opts_;
  std::unique_ptr<Statements> st_;
  SyncPolicy policy_;
  std::uint64_t syncs_ = 0;
  // Root runs this journal created or resumed: their end syncs the log (the end of a tree).
  // A child run's end does not: the one-second bound covers it, and a sync per child (a WAL
  // checkpoint with two fsyncs) was most of a wide fan-out's time (docs/STATE.md).
  std::set<std::string> roots_;
};

}  // namespace tako::store
