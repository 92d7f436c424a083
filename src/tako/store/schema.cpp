#include "tako/store/schema.h"

#include <unistd.h>

#include <cerrno>

namespace tako::store {

namespace {

// Version 0 -> 1. Times are INTEGER nanoseconds since the Unix epoch (UTC): exact,
// sortable, and formatted to RFC 3339 only on export. JSON values (inputs, outputs,
// payloads) are TEXT holding compact JSON.
constexpr const char* kV1 = R"sql(
CREATE TABLE runs (
  run_id        TEXT PRIMARY KEY,
  root_run_id   TEXT NOT NULL,
  parent_run_id TEXT REFERENCES runs(run_id),
  parent_step   TEXT,
  ordinal       INTEGER NOT NULL,          -- trigger order among the parent's children
  key           TEXT,
  repository    TEXT NOT NULL,
  path          TEXT NOT NULL,
  workflow      TEXT NOT NULL,
  status        TEXT NOT NULL,
  depth         INTEGER NOT NULL,
  isolation     TEXT NOT NULL,
  workspace     TEXT NOT NULL,
  worktree      TEXT,
  inputs        TEXT NOT NULL,             -- JSON object
  cli_inputs    TEXT NOT NULL,             -- JSON object of strings
  event         TEXT,                      -- JSON event (child runs)
  start_time    INTEGER,
  end_time      INTEGER,
  duration_ms   INTEGER,
  error         TEXT,
  current_step  TEXT,
  waiting_for   TEXT,
  created_at    INTEGER NOT NULL,
  -- the owner of the tree, on the root row only
  tako_version  TEXT,
  pid           INTEGER,
  hostname      TEXT,
  updated_at    INTEGER
);
-- `tako status`: recent root runs, newest first.
CREATE INDEX runs_recent_roots ON runs(start_time DESC, run_id DESC) WHERE parent_run_id IS NULL;
-- `tako status <id>` / resume: every run of one tree.
CREATE INDEX runs_by_root ON runs(root_run_id);

CREATE TABLE steps (
  run_id        TEXT NOT NULL REFERENCES runs(run_id),
  step_id       TEXT NOT NULL,
  ordinal       INTEGER NOT NULL,          -- start order; a re-run step moves to the end
  kind          TEXT NOT NULL,
  uses          TEXT,
  status        TEXT NOT NULL,
  on_failure_of TEXT,
  start_time    INTEGER,
  end_time      INTEGER,
  duration_ms   INTEGER,
  exit_code     INTEGER,
  error         TEXT,
  outputs       TEXT NOT NULL,             -- JSON object of strings
  cached        INTEGER NOT NULL,
  long_running  INTEGER NOT NULL,
  log           TEXT NOT NULL,
  pgid          INTEGER,                   -- process group while running (§11.3)
  PRIMARY KEY (run_id, step_id)
) WITHOUT ROWID;

-- Events a step emitted, in emission order.
CREATE TABLE events (
  run_id        TEXT NOT NULL,
  step_id       TEXT NOT NULL,
  ordinal       INTEGER NOT NULL,
  event_id      TEXT NOT NULL,
  type          TEXT NOT NULL,
  body          TEXT NOT NULL,             -- the §10.2 event as JSON
  PRIMARY KEY (run_id, step_id, ordinal),
  FOREIGN KEY (run_id, step_id) REFERENCES steps(run_id, step_id)
) WITHOUT ROWID;

-- The fan-out of a fan-out step; its children are the runs with this
-- (parent_run_id, parent_step), in ordinal order.
CREATE TABLE fan_outs (
  run_id            TEXT NOT NULL,
  step_id           TEXT NOT NULL,
  fan_out_id        TEXT NOT NULL,
  event             TEXT NOT NULL,         -- JSON
  wait_for_children INTEGER NOT NULL,
  timeout           TEXT,
  evaluation_errors TEXT NOT NULL,         -- JSON array of strings
  PRIMARY KEY (run_id, step_id),
  FOREIGN KEY (run_id, step_id) REFERENCES steps(run_id, step_id)
) WITHOUT ROWID;
CREATE INDEX runs_by_parent_step ON runs(parent_run_id, parent_step, ordinal);

-- Append-only: one row per state change, written in the change's transaction.
CREATE TABLE history (
  seq           INTEGER PRIMARY KEY,
  time          INTEGER NOT NULL,
  run_id        TEXT NOT NULL,
  step_id       TEXT,
  kind          TEXT NOT NULL,
  data          TEXT NOT NULL              -- JSON
);
CREATE INDEX history_by_run ON history(run_id, seq);
)sql";

}  // namespace

// Version 1 -> 2: the repository of each fan-out evaluation error, so that a resume retries
// them from data, not by parsing the error texts. Stores of version 1 get '[]' (their errors
// are reported again on resume, not retried).
constexpr const char* kV2 = R"sql(
ALTER TABLE fan_outs ADD COLUMN error_repositories TEXT NOT NULL DEFAULT '[]';  -- JSON array, string|null
)sql";

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> steps{kV1, kV2};
  return steps;
}

Status migrate(Db& db, const std::vector<std::string>& steps) {
  const int64_t target = static_cast<int64_t>(steps.size());
  auto newer = [&](int64_t v) {
    return fail("state store " + db.path() + " has schema version " + std::to_string(v) +
                ", newer than this tako (" + std::to_string(target) + ")");
  };
  auto version = db.pragma_int("user_version");
  if (!version) return version.error();
  if (*version > target) return newer(*version);
  if (*version == target) return {};  // the common case takes no write lock
  // Re-read under the write lock: another process may have migrated meanwhile.
  auto txn = Txn::begin(db);
  if (!txn) return txn.error();
  version = db.pragma_int("user_version");
  if (!version) return version.error();
  if (*version > target) return newer(*version);
  for (int64_t v = *version; v < target; ++v) {
    if (auto s = db.exec(steps[static_cast<size_t>(v)]); !s) return s;
  }
  if (auto s = db.exec("PRAGMA user_version = " + std::to_string(target)); !s) return s;
  return txn->commit();
}

Result<Db> open_store(const std::string& path, const OpenOptions& opts) {
  auto db = Db::open(path, opts);
  if (!db) return db.error();
  // Reading the journal mode is the first access of the file: a non-database fails here
  // ("file is not a database"). WAL is persistent, so this writes only on a new store.
  auto mode = db->prepare("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  auto row = mode->step();
  if (!row) return row.error();
  if (*row && mode->text(0) != "wal") return db->unreadable("cannot use WAL journal mode (" + mode->text(0) + ")");
  mode->reset();
  if (auto s = db->exec("PRAGMA foreign_keys = ON"); !s) return s.error();
  if (auto s = migrate(*db, migrations()); !s) return s.error();
  return db;
}

Result<std::optional<Db>> open_existing_store(const std::string& path) {
  if (::access(path.c_str(), F_OK) != 0 && errno == ENOENT) return std::optional<Db>();
  OpenOptions opts;
  opts.create = false;
  auto db = open_store(path, opts);
  if (!db) return db.error();
  return std::optional<Db>(std::move(*db));
}

}  // namespace tako::store
