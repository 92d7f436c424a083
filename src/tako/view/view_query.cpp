#include "tako/view/view_query.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "tako/store/time_codec.h"

namespace tako::view {

namespace {

// One run as read, with the indexes of its children (rows come parents first).
struct Row {
  RunView run;
  std::string workspace;
  std::vector<size_t> children;
  std::vector<int64_t> step_ordinals;  // parallel to run.steps, kept ascending
};

RunView assemble(std::vector<Row>& rows, size_t i) {
  RunView v = std::move(rows[i].run);
  v.children.reserve(rows[i].children.size());
  for (size_t c : rows[i].children) v.children.push_back(assemble(rows, c));
  return v;
}

Error unreadable(store::Db& db, const std::string& what) {
  return Error{"state store " + db.path() + ": invalid " + what};
}

}  // namespace

Result<ViewRead> read_view(store::Db& db, const std::string& run_id) {
  // One snapshot for the whole tree: a concurrent writer's commit is all in or all out.
  if (auto s = db.exec("BEGIN"); !s) return s.error();
  struct EndRead {
    store::Db& db;
    ~EndRead() { (void)db.exec("COMMIT"); }
  } end{db};

  ViewRead out;
  std::vector<Row> rows;
  std::unordered_map<std::string, size_t> index;
  auto runs = db.prepare(
      "SELECT run_id, parent_run_id, repository, workflow, status, waiting_for, error, start_time, end_time, "
      "workspace, pid, hostname FROM runs WHERE root_run_id = ?1 ORDER BY depth, ordinal");
  if (!runs) return runs.error();
  runs->bind(1, run_id);
  for (;;) {
    auto more = runs->step();
    if (!more) return more.error();
    if (!*more) break;
    Row row;
    row.run.run_id = runs->text(0);
    auto parent = runs->opt_text(1);
    row.run.repository = runs->text(2);
    row.run.workflow = runs->text(3);
    auto status = state::parse_run_status(runs->text(4));
    if (!status) return unreadable(db, "status of run " + row.run.run_id);
    row.run.status = *status;
    if (*status == state::RunStatus::Pending) row.run.waiting_for = runs->opt_text(5);
    row.run.error = runs->opt_text(6);
    row.run.start_time = store::opt_from_nanos(runs->opt_int64(7));
    row.run.end_time = store::opt_from_nanos(runs->opt_int64(8));
    row.workspace = runs->text(9);
    if (!parent) {
      if (!rows.empty()) return unreadable(db, "tree of run " + run_id);
      out.pid = runs->opt_int64(10).value_or(0);
      out.hostname = runs->opt_text(11).value_or("");
    } else {
      auto p = index.find(*parent);  // sorted by depth: the parent came first
      if (p == index.end()) return unreadable(db, "parent of run " + row.run.run_id);
      rows[p->second].children.push_back(rows.size());
    }
    index[row.run.run_id] = rows.size();
    rows.push_back(std::move(row));
  }
  if (rows.empty() || rows[0].run.run_id != run_id) return Error{"run '" + run_id + "' not found"};

  auto steps = db.prepare(
      // No ORDER BY: sorting every step of the tree cost SQLite a temporary B-tree (a tenth of a
      // 1,000-run redraw); each run's few steps are put in start order as they come.
      "SELECT s.run_id, s.step_id, s.status, s.start_time, s.end_time, s.log, s.ordinal FROM runs r "
      "JOIN steps s ON s.run_id = r.run_id WHERE r.root_run_id = ?1");
  if (!steps) return steps.error();
  steps->bind(1, run_id);
  for (;;) {
    auto more = steps->step();
    if (!more) return more.error();
    if (!*more) break;
    auto owner = index.find(steps->text(0));
    if (owner == index.end()) continue;  // the join guarantees the run
    Row& row = rows[owner->second];
    StepView s;
    s.id = steps->text(1);
    auto status = state::parse_step_status(steps->text(2));
    if (!status) return unreadable(db, "status of step " + row.run.run_id + "/" + s.id);
    s.status = *status;
    s.start_time = store::opt_from_nanos(steps->opt_int64(3));
    s.end_time = store::opt_from_nanos(steps->opt_int64(4));
    if (!row.workspace.empty()) {
      std::string log = steps->text(5);
      s.log_path = row.workspace + "/" + (log.empty() ? "logs/" + s.id + ".log" : log);
    }
    const int64_t ordinal = steps->int64(6);
    auto at = std::upper_bound(row.step_ordinals.begin(), row.step_ordinals.end(), ordinal);
    row.run.steps.insert(row.run.steps.begin() + (at - row.step_ordinals.begin()), std::move(s));
    row.step_ordinals.insert(at, ordinal);
  }
  out.snapshot.root = assemble(rows, 0);
  return out;
}

}  // namespace tako::view
