#include "tako/store/journal.h"

#include <nlohmann/json.hpp>

#include "tako/store/schema.h"
#include "tako/store/time_codec.h"

namespace tako::store {

using nlohmann::json;

std::optional<SyncMode> parse_sync_mode(std::string_view s) {
  if (s == "normal") return SyncMode::Normal;
  if (s == "full") return SyncMode::Full;
  return std::nullopt;
}

// ---- SyncPolicy -------------------------------------------------------------------

bool SyncPolicy::after_commit(SteadyTime now, bool end_of_run) {
  if (mode_ == SyncMode::Full) return false;  // SQLite synced the commit itself
  if (!unsynced_since_) unsynced_since_ = now;
  return end_of_run || due(now);
}

bool SyncPolicy::due(SteadyTime now) const { return unsynced_since_ && now - *unsynced_since_ >= interval_; }

std::optional<SteadyTime> SyncPolicy::deadline() const {
  if (!unsynced_since_) return std::nullopt;
  return *unsynced_since_ + interval_;
}

void SyncPolicy::synced() { unsynced_since_.reset(); }

// ---- statements -------------------------------------------------------------------

struct Journal::Statements {
  Stmt history, touch_root, insert_run, child_ordinal, waiting, started, worktree, step_ordinal, upsert_step,
      clear_events, current_step, finish_step, event_ordinal, insert_event, upsert_fan_out, fan_out_errors,
      finish_run, owner;

  static Result<std::unique_ptr<Statements>> prepare(Db& db) {
    auto s = std::make_unique<Statements>(Statements{});
    struct Item {
      Stmt* target;
      const char* sql;
    };
    const Item items[] = {
        {&s->history, "INSERT INTO history(time, run_id, step_id, kind, data) VALUES(?1, ?2, ?3, ?4, ?5)"},
        {&s->touch_root,
         "UPDATE runs SET updated_at = ?1 WHERE run_id = (SELECT root_run_id FROM runs WHERE run_id = ?2)"},
        {&s->insert_run,
         "INSERT INTO runs(run_id, root_run_id, parent_run_id, parent_step, ordinal, key, repository, path, "
         "workflow, status, depth, isolation, workspace, worktree, inputs, cli_inputs, event, start_time, end_time, "
         "duration_ms, error, current_step, waiting_for, created_at, tako_version, pid, hostname, updated_at) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, "
         "?22, ?23, ?24, ?25, ?26, ?27, ?28)"},
        {&s->child_ordinal,
         "SELECT root_run_id, (SELECT COALESCE(MAX(ordinal), -1) + 1 FROM runs WHERE parent_run_id = ?1), "
         "EXISTS(SELECT 1 FROM steps WHERE run_id = ?1 AND step_id = ?2) FROM runs WHERE run_id = ?1"},
        {&s->waiting, "UPDATE runs SET status = 'pending', waiting_for = ?2 WHERE run_id = ?1"},
        {&s->started,
         "UPDATE runs SET status = 'running', start_time = COALESCE(start_time, ?2), end_time = NULL, "
         "duration_ms = NULL, error = NULL, waiting_for = NULL, current_step = NULL WHERE run_id = ?1"},
        {&s->worktree, "UPDATE runs SET worktree = ?2 WHERE run_id = ?1"},
        {&s->step_ordinal, "SELECT COALESCE(MAX(ordinal), -1) + 1 FROM steps WHERE run_id = ?1"},
        {&s->upsert_step,
         "INSERT INTO steps(run_id, step_id, ordinal, kind, uses, status, on_failure_of, start_time, end_time, "
         "duration_ms, exit_code, error, outputs, cached, long_running, log, pgid) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) "
         "ON CONFLICT(run_id, step_id) DO UPDATE SET ordinal = excluded.ordinal, kind = excluded.kind, "
         "uses = excluded.uses, status = excluded.status, on_failure_of = excluded.on_failure_of, "
         "start_time = excluded.start_time, end_time = excluded.end_time, duration_ms = excluded.duration_ms, "
         "exit_code = excluded.exit_code, error = excluded.error, outputs = excluded.outputs, "
         "cached = excluded.cached, long_running = excluded.long_running, log = excluded.log, pgid = excluded.pgid"},
        {&s->clear_events, "DELETE FROM events WHERE run_id = ?1 AND step_id = ?2"},
        {&s->current_step, "UPDATE runs SET current_step = ?2 WHERE run_id = ?1"},
        {&s->finish_step,
         "UPDATE steps SET status = ?3, end_time = ?4, duration_ms = ?5, exit_code = ?6, error = ?7, outputs = ?8, "
         "cached = ?9, pgid = NULL WHERE run_id = ?1 AND step_id = ?2"},
        {&s->event_ordinal,
         "SELECT COALESCE(MAX(ordinal), -1) + 1 FROM events WHERE run_id = ?1 AND step_id = ?2"},
        {&s->insert_event,
         "INSERT INTO events(run_id, step_id, ordinal, event_id, type, body) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"},
        {&s->upsert_fan_out,
         "INSERT INTO fan_outs(run_id, step_id, fan_out_id, event, wait_for_children, timeout, evaluation_errors) "
         "VALUES(?1, ?2, ?3, ?4, ?5, ?6, '[]') ON CONFLICT(run_id, step_id) DO UPDATE SET "
         "fan_out_id = excluded.fan_out_id, event = excluded.event, wait_for_children = excluded.wait_for_children, "
         "timeout = excluded.timeout"},
        {&s->fan_out_errors,
         "UPDATE fan_outs SET evaluation_errors = ?3, error_repositories = ?4 WHERE run_id = ?1 AND step_id = ?2"},
        {&s->finish_run,
         "UPDATE runs SET status = ?2, end_time = ?3, duration_ms = ?4, error = ?5, waiting_for = NULL, "
         "current_step = CASE WHEN ?2 = 'completed' THEN NULL ELSE current_step END WHERE run_id = ?1"},
        {&s->owner,
         "UPDATE runs SET tako_version = ?2, pid = ?3, hostname = ?4 WHERE run_id = ?1 AND parent_run_id IS NULL"},
    };
    for (const Item& it : items) {
      auto st = db.prepare(it.sql);
      if (!st) return st.error();
      *it.target = std::move(*st);
    }
    return s;
  }
};

// ---- Journal ----------------------------------------------------------------------

namespace {

std::string string_map_json(const std::map<std::string, std::string>& m) {
  json j = json::object();
  for (const auto& [k, v] : m) j[k] = v;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

Result<std::unique_ptr<Journal>> Journal::open(const std::string& path, JournalOptions opts) {
  auto db = open_store(path, opts.open);
  if (!db) return db.error();
  auto owned = std::make_unique<Db>(std::move(*db));
  const char* sync = opts.sync == SyncMode::Full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL";
  if (auto s = owned->exec(sync); !s) return s.error();
  auto st = Statements::prepare(*owned);
  if (!st) return st.error();
  return std::unique_ptr<Journal>(new Journal(std::move(owned), std::move(opts), std::move(*st)));
}

Journal::Journal(std::unique_ptr<Db> db, JournalOptions opts, std::unique_ptr<Statements> st)
    : db_(std::move(db)), opts_(std::move(opts)), st_(std::move(st)), policy_(opts_.sync, opts_.sync_interval) {}

Journal::~Journal() {
  // The end of the owner: whatever is unsynced goes to the disk (best effort; the
  // owner syncs at every run end anyway).
  if (policy_.deadline()) (void)sync();
  st_.reset();  // statements before the connection
}

Status Journal::commit(const std::string& run_id, const std::optional<std::string>& step_id, const std::string& kind,
                       const std::string& data, const std::function<Status()>& change, bool end_of_run) {
  {
    auto txn = Txn::begin(*db_);
    if (!txn) return txn.error();
    if (auto s = change(); !s) return s;
    const int64_t now = to_nanos(opts_.wall_clock());
    if (auto s = st_->history.bind(1, now).bind(2, run_id).bind(3, step_id).bind(4, kind).bind(5, data).run(); !s) {
      return s;
    }
    if (auto s = st_->touch_root.bind(1, now).bind(2, run_id).run(); !s) return s;
    if (auto s = txn->commit(); !s) return s;
  }
  if (policy_.after_commit(opts_.clock(), end_of_run)) return sync();
  return {};
}

Status Journal::sync() {
  if (policy_.mode() == SyncMode::Normal) {
    // A checkpoint syncs the write-ahead log before it copies pages back; PASSIVE never
    // waits for readers. SQLITE_BUSY: another connection is checkpointing (and syncing).
    int rc = sqlite3_wal_checkpoint_v2(db_->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) return db_->error(rc);
  }
  policy_.synced();
  ++syncs_;
  return {};
}

Status Journal::sync_if_due() {
  if (policy_.due(opts_.clock())) return sync();
  return {};
}

namespace {

// An UPDATE that must hit exactly one row.
Status one_row(Db& db, Stmt& st, const std::string& what) {
  if (auto s = st.run(); !s) return s;
  if (sqlite3_changes(db.handle()) != 1) return fail("state store " + db.path() + " has no " + what);
  return {};
}

}  // namespace

Status Journal::run_created(const state::RunNode& run) {
  if (!run.parent_run_id) roots_.insert(run.run_id);
  return commit(run.run_id, std::nullopt, "run_created", dump({{"status", state::to_string(run.status)}}), [&] {
    const bool root = !run.parent_run_id;
    if (!root) return Status(fail("state store " + db_->path() + ": run " + run.run_id + " has a parent; use child_created"));
    Stmt& s = st_->insert_run;
    s.bind(1, run.run_id).bind(2, run.run_id).bind_null(3).bind_null(4).bind(5, int64_t{0});
    s.bind(6, run.key).bind(7, run.repository).bind(8, run.path).bind(9, run.workflow);
    s.bind(10, state::to_string(run.status)).bind(11, int64_t{run.depth}).bind(12, state::to_string(run.isolation));
    s.bind(13, run.workspace).bind(14, run.worktree);
    s.bind(15, dump(run.inputs.is_object() ? run.inputs : json::object())).bind(16, string_map_json(run.cli_inputs));
    s.bind(17, run.event ? std::optional<std::string>(dump(state::to_json(*run.event))) : std::nullopt);
    s.bind(18, opt_nanos(run.start_time)).bind(19, opt_nanos(run.end_time)).bind(20, run.duration_ms);
    s.bind(21, run.error).bind(22, run.current_step).bind(23, run.waiting_for);
    const int64_t now = to_nanos(opts_.wall_clock());
    s.bind(24, now).bind(25, opts_.tako_version).bind(26, opts_.pid).bind(27, opts_.hostname).bind(28, now);
    return s.run();
  });
}

Status Journal::insert_child(const state::RunNode& child) {
  const std::string& parent = *child.parent_run_id;
  Stmt& q = st_->child_ordinal;
  q.bind(1, parent).bind(2, *child.parent_step);
  auto row = q.step();
  if (!row) return row.error();
  if (!*row || q.int64(2) == 0) {
    q.reset();
    return fail("state store " + db_->path() + " has no step " + parent + "/" + *child.parent_step);
  }
  const std::string root = q.text(0);
  const int64_t ordinal = q.int64(1);
  q.reset();
  Stmt& s = st_->insert_run;
  s.bind(1, child.run_id).bind(2, root).bind(3, parent).bind(4, *child.parent_step).bind(5, ordinal);
  s.bind(6, child.key).bind(7, child.repository).bind(8, child.path).bind(9, child.workflow);
  s.bind(10, state::to_string(child.status)).bind(11, int64_t{child.depth});
  s.bind(12, state::to_string(child.isolation)).bind(13, child.workspace).bind(14, child.worktree);
  s.bind(15, dump(child.inputs.is_object() ? child.inputs : json::object())).bind(16, "{}");
  s.bind(17, child.event ? std::optional<std::string>(dump(state::to_json(*child.event))) : std::nullopt);
  s.bind(18, opt_nanos(child.start_time)).bind(19, opt_nanos(child.end_time)).bind(20, child.duration_ms);
  s.bind(21, child.error).bind(22, child.current_step).bind(23, child.waiting_for);
  s.bind(24, to_nanos(opts_.wall_clock()));
  return s.run();  // owner columns stay NULL: the root row carries them
}

Status Journal::child_created(const state::RunNode& child) {
  return children_created({&child});
}

Status Journal::children_created(const std::vector<const state::RunNode*>& children) {
  if (children.empty()) return {};
  json ids = json::array();
  for (const state::RunNode* child : children) {
    if (!child->parent_run_id || !child->parent_step) {
      return fail("state store " + db_->path() + ": child run " + child->run_id + " has no parent run and step");
    }
    if (*child->parent_run_id != *children[0]->parent_run_id || *child->parent_step != *children[0]->parent_step) {
      return fail("state store " + db_->path() + ": child run " + child->run_id + " is not a sibling of " +
                  children[0]->run_id);
    }
    ids.push_back(child->run_id);
  }
  const state::RunNode& first = *children[0];
  // One history row on the parent's run and step: the children appear together (a resumed
  // fan-out reuses its recorded children, so a partial list must never be committed).
  json data = {{"status", state::to_string(first.status)}, {"parent_run_id", *first.parent_run_id},
               {"parent_step", *first.parent_step}, {"children", ids}};
  const char* kind = children.size() == 1 ? "child_created" : "children_created";
  return commit(children.size() == 1 ? first.run_id : *first.parent_run_id,
                children.size() == 1 ? std::nullopt : first.parent_step, kind, dump(data), [&]() -> Status {
                  for (const state::RunNode* child : children) {
                    if (auto s = insert_child(*child); !s) return s;
                  }
                  return {};
                });
}

Status Journal::run_waiting(const std::string& run_id, const std::string& reason) {
  return commit(run_id, std::nullopt, "run_waiting", dump({{"status", "pending"}, {"waiting_for", reason}}), [&] {
    return one_row(*db_, st_->waiting.bind(1, run_id).bind(2, reason), "run " + run_id);
  });
}

Status Journal::run_started(const std::string& run_id, state::Timestamp start) {
  return commit(run_id, std::nullopt, "run_started", dump({{"status", "running"}}), [&] {
    return one_row(*db_, st_->started.bind(1, run_id).bind(2, to_nanos(start)), "run " + run_id);
  });
}

Status Journal::worktree_set(const std::string& run_id, const std::string& worktree) {
  return commit(run_id, std::nullopt, "worktree_set", dump({{"worktree", worktree}}), [&] {
    return one_row(*db_, st_->worktree.bind(1, run_id).bind(2, worktree), "run " + run_id);
  });
}

Status Journal::step_started(const std::string& run_id, const state::StepNode& step, std::optional<int64_t> pgid) {
  json data = {{"status", state::to_string(step.status)}};
  if (pgid) data["pgid"] = *pgid;
  return commit(run_id, step.id, "step_started", dump(data), [&]() -> Status {
    if (auto s = one_row(*db_, st_->current_step.bind(1, run_id).bind(2, step.id), "run " + run_id); !s) return s;
    Stmt& q = st_->step_ordinal;
    auto row = q.bind(1, run_id).step();
    if (!row) return row.error();
    const int64_t ordinal = q.int64(0);  // an aggregate always yields one row
    q.reset();
    Stmt& s = st_->upsert_step;
    s.bind(1, run_id).bind(2, step.id).bind(3, ordinal).bind(4, state::to_string(step.kind)).bind(5, step.uses);
    s.bind(6, state::to_string(step.status)).bind(7, step.on_failure_of);
    s.bind(8, opt_nanos(step.start_time)).bind(9, opt_nanos(step.end_time)).bind(10, step.duration_ms);
    s.bind(11, step.exit_code).bind(12, step.error).bind(13, string_map_json(step.outputs));
    s.bind(14, int64_t{step.cached}).bind(15, int64_t{step.long_running}).bind(16, step.log).bind(17, pgid);
    if (auto r = s.run(); !r) return r;
    return st_->clear_events.bind(1, run_id).bind(2, step.id).run();
  });
}

StepEnd StepEnd::of(const state::StepNode& step) {
  StepEnd end;
  end.status = step.status;
  end.end_time = step.end_time.value_or(state::now());
  end.duration_ms = step.duration_ms;
  end.exit_code = step.exit_code;
  end.error = step.error;
  end.outputs = step.outputs;
  end.cached = step.cached;
  end.events = step.events;
  return end;
}

Status Journal::step_finished(const std::string& run_id, const std::string& step_id, const StepEnd& end) {
  json data = {{"status", state::to_string(end.status)}};
  if (end.exit_code) data["exit_code"] = *end.exit_code;
  return commit(run_id, step_id, "step_finished", dump(data), [&]() -> Status {
    Stmt& s = st_->finish_step;
    s.bind(1, run_id).bind(2, step_id).bind(3, state::to_string(end.status)).bind(4, to_nanos(end.end_time));
    s.bind(5, end.duration_ms).bind(6, end.exit_code).bind(7, end.error).bind(8, string_map_json(end.outputs));
    s.bind(9, int64_t{end.cached});
    if (auto r = one_row(*db_, s, "step " + run_id + "/" + step_id); !r) return r;
    if (auto r = st_->clear_events.bind(1, run_id).bind(2, step_id).run(); !r) return r;
    int64_t ordinal = 0;
    for (const state::EventRecord& e : end.events) {
      Stmt& ins = st_->insert_event;
      ins.bind(1, run_id).bind(2, step_id).bind(3, ordinal++).bind(4, e.id).bind(5, e.type);
      if (auto r = ins.bind(6, dump(state::to_json(e))).run(); !r) return r;
    }
    return {};
  });
}

Status Journal::event_emitted(const std::string& run_id, const std::string& step_id, const state::EventRecord& event) {
  return commit(run_id, step_id, "event_emitted", dump({{"event_id", event.id}, {"type", event.type}}),
                [&]() -> Status {
                  Stmt& q = st_->event_ordinal;
                  auto row = q.bind(1, run_id).bind(2, step_id).step();
                  if (!row) return row.error();
                  const int64_t ordinal = q.int64(0);
                  q.reset();
                  Stmt& ins = st_->insert_event;
                  ins.bind(1, run_id).bind(2, step_id).bind(3, ordinal).bind(4, event.id).bind(5, event.type);
                  return ins.bind(6, dump(state::to_json(event))).run();
                });
}

Status Journal::fan_out_recorded(const std::string& run_id, const std::string& step_id,
                                 const state::FanOutRecord& f) {
  return commit(run_id, step_id, "fan_out_recorded", dump({{"fan_out_id", f.fan_out_id}}), [&]() -> Status {
    Stmt& s = st_->upsert_fan_out;
    s.bind(1, run_id).bind(2, step_id).bind(3, f.fan_out_id).bind(4, dump(state::to_json(f.event)));
    s.bind(5, int64_t{f.wait_for_children}).bind(6, f.timeout);
    return s.run();
  });
}

Status Journal::fan_out_errors(const std::string& run_id, const std::string& step_id,
                               const std::vector<std::string>& errors,
                               const std::vector<std::optional<std::string>>& repositories) {
  json arr = json::array();
  for (const auto& e : errors) arr.push_back(e);
  json repos = json::array();
  for (const auto& r : repositories) repos.push_back(r ? json(*r) : json(nullptr));
  return commit(run_id, step_id, "fan_out_errors", dump({{"evaluation_errors", arr}}), [&] {
    Stmt& s = st_->fan_out_errors;
    s.bind(1, run_id).bind(2, step_id).bind(3, dump(arr)).bind(4, dump(repos));
    return one_row(*db_, s, "fan-out " + run_id + "/" + step_id);
  });
}

Status Journal::run_finished(const std::string& run_id, state::RunStatus status, state::OptTime end,
                             std::optional<int64_t> duration_ms, const std::optional<std::string>& error) {
  return commit(
      run_id, std::nullopt, "run_finished", dump({{"status", state::to_string(status)}}),
      [&] {
        Stmt& s = st_->finish_run;
        s.bind(1, run_id).bind(2, state::to_string(status)).bind(3, opt_nanos(end)).bind(4, duration_ms);
        return one_row(*db_, s.bind(5, error), "run " + run_id);
      },
      /*end_of_run=*/roots_.count(run_id) != 0);
}

Status Journal::tree_resumed(const std::string& root_run_id) {
  roots_.insert(root_run_id);
  json data = {{"pid", opts_.pid}, {"hostname", opts_.hostname}};
  return commit(root_run_id, std::nullopt, "tree_resumed", dump(data), [&] {
    Stmt& s = st_->owner;
    s.bind(1, root_run_id).bind(2, opts_.tako_version).bind(3, opts_.pid).bind(4, opts_.hostname);
    return one_row(*db_, s, "root run " + root_run_id);
  });
}

}  // namespace tako::store
