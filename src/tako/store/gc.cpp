#include "tako/store/gc.h"

namespace tako::store {

namespace {

// Children of the tree first (rows that point at steps and runs), the runs last: the tree's
// parent_run_id references stay inside the one DELETE of the runs.
constexpr const char* kDeleteSql[] = {
    "DELETE FROM history WHERE run_id IN (SELECT run_id FROM runs WHERE root_run_id = ?1)",
    "DELETE FROM events WHERE run_id IN (SELECT run_id FROM runs WHERE root_run_id = ?1)",
    "DELETE FROM fan_outs WHERE run_id IN (SELECT run_id FROM runs WHERE root_run_id = ?1)",
    "DELETE FROM steps WHERE run_id IN (SELECT run_id FROM runs WHERE root_run_id = ?1)",
    "DELETE FROM runs WHERE root_run_id = ?1",
};

constexpr const char* kFinishedRootSql =
    "SELECT 1 FROM runs WHERE run_id = ?1 AND parent_run_id IS NULL "
    "AND status IN ('completed', 'failed', 'timed_out', 'cancelled')";

}  // namespace

Result<DeletedTrees> delete_finished_trees(Db& db, const std::vector<std::string>& root_run_ids) {
  DeletedTrees out;
  auto txn = Txn::begin(db);
  if (!txn) return txn.error();
  auto finished = db.prepare(kFinishedRootSql);
  if (!finished) return finished.error();
  std::vector<Stmt> deletes;
  for (const char* sql : kDeleteSql) {
    auto st = db.prepare(sql);
    if (!st) return st.error();
    deletes.push_back(std::move(*st));
  }
  for (const std::string& id : root_run_ids) {
    finished->bind(1, id);
    auto row = finished->step();
    finished->reset();
    if (!row) return row.error();
    if (!*row) continue;
    for (Stmt& st : deletes) {
      st.bind(1, id);
      if (auto s = st.run(); !s) return s.error();
    }
    out.runs += sqlite3_changes(db.handle());  // the last statement: the runs
    out.roots.push_back(id);
  }
  if (auto s = txn->commit(); !s) return s.error();
  return out;
}

}  // namespace tako::store
