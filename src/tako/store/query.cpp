#include "tako/store/query.h"

#include <unordered_map>

#include <nlohmann/json.hpp>

#include "tako/store/time_codec.h"

namespace tako::store {

using nlohmann::json;

namespace {

// A value the journal wrote that does not parse: the file was changed behind tako's back.
Error bad_value(Db& db, const std::string& what) { return db.unreadable("invalid " + what); }

Result<json> parse_json(Db& db, const std::string& text, const std::string& what) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return bad_value(db, what);
  return j;
}

Result<std::map<std::string, std::string>> parse_string_map(Db& db, const std::string& text, const std::string& what) {
  auto j = parse_json(db, text, what);
  if (!j) return j.error();
  if (!j->is_object()) return bad_value(db, what);
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j->items()) {
    if (!v.is_string()) return bad_value(db, what);
    out[k] = v.get<std::string>();
  }
  return out;
}

Result<state::EventRecord> parse_event(Db& db, const std::string& text, const std::string& what) {
  auto j = parse_json(db, text, what);
  if (!j) return j.error();
  auto e = state::event_from_json(*j);
  if (!e) return bad_value(db, what + ": " + e.error().message);
  return std::move(*e);
}

template <class T>
Result<T> parse_enum(Db& db, std::optional<T> v, const std::string& what) {
  if (!v) return bad_value(db, what);
  return *v;
}

// Prepares `sql`, binds ?1, ?2, ... to `params` in order, and hands every row to `on_row`;
// stops at the first error.
template <class OnRow, class... Params>
Status for_each_row(Db& db, std::string_view sql, OnRow&& on_row, const Params&... params) {
  auto st = db.prepare(sql);
  if (!st) return st.error();
  int i = 0;
  (st->bind(++i, params), ...);
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) return {};
    if (auto s = on_row(*st); !s) return s.error();
  }
}

}  // namespace

// INDEXED BY: without statistics the planner prefers runs_by_parent_step for
// `parent_run_id IS NULL` and then sorts every root run.
const char* const kListRunsSql =
    "SELECT run_id, workflow, repository, status, start_time, end_time, duration_ms, pid, hostname FROM runs "
    "INDEXED BY runs_recent_roots WHERE parent_run_id IS NULL ORDER BY start_time DESC, run_id DESC LIMIT ?1";

Result<std::vector<RunSummary>> list_runs(Db& db, std::optional<int64_t> limit) {
  std::vector<RunSummary> out;
  auto rows = for_each_row(
      db, kListRunsSql,
      [&](Stmt& st) -> Status {
        RunSummary r;
        r.run_id = st.text(0);
        r.workflow = st.text(1);
        r.repository = st.text(2);
        auto status = parse_enum(db, state::parse_run_status(st.text(3)), "status of run " + r.run_id);
        if (!status) return status.error();
        r.status = *status;
        r.start_time = opt_from_nanos(st.opt_int64(4));
        r.end_time = opt_from_nanos(st.opt_int64(5));
        r.duration_ms = st.opt_int64(6);
        r.pid = st.opt_int64(7).value_or(0);
        r.hostname = st.text(8);
        out.push_back(std::move(r));
        return {};
      },
      limit.value_or(-1));  // LIMIT -1: no limit
  if (!rows) return rows.error();
  return out;
}

namespace {

Status load_runs(Db& db, const std::string& root_id, state::StateDocument& doc,
                 std::unordered_map<std::string, state::RunNode*>& runs) {
  return for_each_row(
      db, "SELECT run_id, parent_run_id, parent_step, key, repository, path, workflow, status, depth, isolation, "
      "workspace, worktree, inputs, cli_inputs, event, start_time, end_time, duration_ms, error, current_step, "
      "waiting_for, tako_version, pid, hostname, updated_at FROM runs WHERE root_run_id = ?1 "
      "ORDER BY depth, ordinal",
      [&](Stmt& st) -> Status {
        state::RunNode r;
        r.run_id = st.text(0);
        const std::string what = "run " + r.run_id;
        r.parent_run_id = st.opt_text(1);
        r.parent_step = st.opt_text(2);
        r.key = st.opt_text(3);
        r.repository = st.text(4);
        r.path = st.text(5);
        r.workflow = st.text(6);
        auto status = parse_enum(db, state::parse_run_status(st.text(7)), "status of " + what);
        if (!status) return status.error();
        r.status = *status;
        r.depth = static_cast<int>(st.int64(8));
        auto iso = parse_enum(db, state::parse_isolation(st.text(9)), "isolation of " + what);
        if (!iso) return iso.error();
        r.isolation = *iso;
        r.workspace = st.text(10);
        r.worktree = st.opt_text(11);
        auto inputs = parse_json(db, st.text(12), "inputs of " + what);
        if (!inputs) return inputs.error();
        r.inputs = std::move(*inputs);
        auto cli = parse_string_map(db, st.text(13), "cli_inputs of " + what);
        if (!cli) return cli.error();
        r.cli_inputs = std::move(*cli);
        if (auto ev = st.opt_text(14)) {
          auto e = parse_event(db, *ev, "event of " + what);
          if (!e) return e.error();
          r.event = std::move(*e);
        }
        r.start_time = opt_from_nanos(st.opt_int64(15));
        r.end_time = opt_from_nanos(st.opt_int64(16));
        r.duration_ms = st.opt_int64(17);
        r.error = st.opt_text(18);
        r.current_step = st.opt_text(19);
        r.waiting_for = st.opt_text(20);
        if (!r.parent_run_id) {
          doc.tako_version = st.opt_text(21).value_or("");
          doc.pid = st.opt_int64(22).value_or(0);
          doc.hostname = st.opt_text(23).value_or("");
          doc.updated_at = from_nanos(st.opt_int64(24).value_or(0));
          doc.root = std::move(r);
          runs[doc.root.run_id] = &doc.root;
          return {};
        }
        // Sorted by depth: the parent is already placed; within one parent by ordinal.
        auto parent = runs.find(*r.parent_run_id);
        if (parent == runs.end()) return bad_value(db, "parent of " + what);
        state::RunNode& placed = parent->second->children.emplace_back(std::move(r));
        runs[placed.run_id] = &placed;
        return {};
      },
      root_id);
}

Status load_steps(Db& db, const std::string& root_id, std::unordered_map<std::string, state::RunNode*>& runs) {
  return for_each_row(
      db, "SELECT s.run_id, s.step_id, s.kind, s.uses, s.status, s.on_failure_of, s.start_time, s.end_time, "
      "s.duration_ms, s.exit_code, s.error, s.outputs, s.cached, s.long_running, s.log FROM runs r "
      "JOIN steps s ON s.run_id = r.run_id WHERE r.root_run_id = ?1 ORDER BY s.run_id, s.ordinal",
      [&](Stmt& st) -> Status {
        state::RunNode* run = runs.at(st.text(0));  // the join guarantees the run
        state::StepNode s;
        s.id = st.text(1);
        const std::string what = "step " + run->run_id + "/" + s.id;
        auto kind = parse_enum(db, state::parse_step_kind(st.text(2)), "kind of " + what);
        if (!kind) return kind.error();
        s.kind = *kind;
        s.uses = st.opt_text(3);
        auto status = parse_enum(db, state::parse_step_status(st.text(4)), "status of " + what);
        if (!status) return status.error();
        s.status = *status;
        s.on_failure_of = st.opt_text(5);
        s.start_time = opt_from_nanos(st.opt_int64(6));
        s.end_time = opt_from_nanos(st.opt_int64(7));
        s.duration_ms = st.opt_int64(8);
        s.exit_code = st.opt_int64(9);
        s.error = st.opt_text(10);
        auto outputs = parse_string_map(db, st.text(11), "outputs of " + what);
        if (!outputs) return outputs.error();
        s.outputs = std::move(*outputs);
        s.cached = st.int64(12) != 0;
        s.long_running = st.int64(13) != 0;
        s.log = st.text(14);
        run->steps.push_back(std::move(s));
        return {};
      },
      root_id);
}

Status load_events_and_fan_outs(Db& db, const std::string& root_id,
                                std::unordered_map<std::string, state::RunNode*>& runs) {
  auto events = for_each_row(
      db, "SELECT e.run_id, e.step_id, e.body FROM runs r JOIN events e ON e.run_id = r.run_id "
      "WHERE r.root_run_id = ?1 ORDER BY e.run_id, e.step_id, e.ordinal",
      [&](Stmt& st) -> Status {
        state::RunNode* run = runs.at(st.text(0));
        state::StepNode* step = state::find_step(*run, st.text(1));
        // The foreign key holds for what tako writes; a store edited by hand may break it.
        if (step == nullptr) return bad_value(db, "step " + run->run_id + "/" + st.text(1) + " of an event");
        auto e = parse_event(db, st.text(2), "event of step " + run->run_id + "/" + step->id);
        if (!e) return e.error();
        step->events.push_back(std::move(*e));
        return {};
      },
      root_id);
  if (!events) return events.error();
  auto fan_outs = for_each_row(
      db, "SELECT f.run_id, f.step_id, f.fan_out_id, f.event, f.wait_for_children, f.timeout, f.evaluation_errors, "
      "f.error_repositories "
      "FROM runs r JOIN fan_outs f ON f.run_id = r.run_id WHERE r.root_run_id = ?1",
      [&](Stmt& st) -> Status {
        state::RunNode* run = runs.at(st.text(0));
        state::StepNode* step = state::find_step(*run, st.text(1));
        if (step == nullptr) return bad_value(db, "step " + run->run_id + "/" + st.text(1) + " of a fan-out");
        const std::string what = "fan-out of step " + run->run_id + "/" + step->id;
        state::FanOutRecord f;
        f.fan_out_id = st.text(2);
        auto e = parse_event(db, st.text(3), what);
        if (!e) return e.error();
        f.event = std::move(*e);
        f.wait_for_children = st.int64(4) != 0;
        f.timeout = st.opt_text(5);
        auto errors = parse_json(db, st.text(6), what);
        if (!errors) return errors.error();
        if (!errors->is_array()) return bad_value(db, what);
        for (const auto& item : *errors) {
          if (!item.is_string()) return bad_value(db, what);
          f.evaluation_errors.push_back(item.get<std::string>());
        }
        auto repos = parse_json(db, st.text(7), what);
        if (!repos) return repos.error();
        if (!repos->is_array()) return bad_value(db, what);
        for (const auto& item : *repos) {
          if (item.is_null()) f.error_repositories.emplace_back();
          else if (item.is_string()) f.error_repositories.emplace_back(item.get<std::string>());
          else return bad_value(db, what);
        }
        step->fan_out = std::move(f);
        return {};
      },
      root_id);
  if (!fan_outs) return fan_outs.error();
  // A fan-out's children: the child runs it triggered, in trigger order.
  for (auto& [id, run] : runs) {
    for (const state::RunNode& child : run->children) {
      state::StepNode* step = state::find_step(*run, child.parent_step.value_or(""));
      if (step != nullptr && step->fan_out) step->fan_out->children.push_back(child.run_id);
    }
  }
  return {};
}

}  // namespace

Result<state::StateDocument> load_tree(Db& db, const std::string& run_id) {
  // One snapshot for the whole tree: a concurrent writer's commit is all in or all out.
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  struct EndRead {
    Db& db;
    ~EndRead() { (void)db.exec("COMMIT"); }
  } end{db};
  state::StateDocument doc;
  std::unordered_map<std::string, state::RunNode*> runs;
  if (auto s = load_runs(db, run_id, doc, runs); !s) return s.error();
  if (doc.root.run_id != run_id) return fail("run '" + run_id + "' not found");
  if (auto s = load_steps(db, run_id, runs); !s) return s.error();
  if (auto s = load_events_and_fan_outs(db, run_id, runs); !s) return s.error();
  return doc;
}

Result<std::vector<HistoryEntry>> tree_history(Db& db, const std::string& run_id, int64_t after_seq) {
  std::vector<HistoryEntry> out;
  auto rows = for_each_row(
      db, "SELECT h.seq, h.time, h.run_id, h.step_id, h.kind, h.data FROM runs r "
      "JOIN history h ON h.run_id = r.run_id WHERE r.root_run_id = ?1 AND h.seq > ?2 ORDER BY h.seq",
      [&](Stmt& st) -> Status {
        HistoryEntry e;
        e.seq = st.int64(0);
        e.time = from_nanos(st.int64(1));
        e.run_id = st.text(2);
        e.step_id = st.opt_text(3);
        e.kind = st.text(4);
        auto data = parse_json(db, st.text(5), "history row " + std::to_string(e.seq));
        if (!data) return data.error();
        e.data = std::move(*data);
        out.push_back(std::move(e));
        return {};
      },
      run_id, after_seq);
  if (!rows) return rows.error();
  return out;
}

Result<bool> run_exists(Db& db, const std::string& run_id) {
  auto st = db.prepare("SELECT 1 FROM runs WHERE run_id = ?1");
  if (!st) return st.error();
  auto row = st->bind(1, run_id).step();
  if (!row) return row.error();
  return *row;
}

Result<std::optional<std::string>> root_run_id_of(Db& db, const std::string& run_id) {
  auto st = db.prepare("SELECT root_run_id FROM runs WHERE run_id = ?1");
  if (!st) return st.error();
  auto row = st->bind(1, run_id).step();
  if (!row) return row.error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(st->text(0));
}

}  // namespace tako::store
