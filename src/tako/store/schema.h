// The schema of <home>/tako.db and its forward migrations (§11.1).
//
// `PRAGMA user_version` is the schema version. open_store() migrates an older
// store forward inside one write transaction (so two processes opening an old
// store at once migrate it once) and refuses a newer one:
//   state store <path> has schema version <n>, newer than this tako (<m>)
// Tables and decisions: docs/STATE.md, "The SQLite store".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::store {

// <home>/tako.db (§2).
inline std::string store_path(const std::string& home) { return home + "/tako.db"; }

// The version this tako writes.
inline constexpr int kSchemaVersion = 2;

// migrations[i] takes a store from version i to i + 1. Never edit a released step;
// append a new one and bump kSchemaVersion.
const std::vector<std::string>& migrations();

// Brings `db` to version migrations.size() with the given steps (tests pass their
// own list to exercise multi-step migrations). Refuses a newer store.
Status migrate(Db& db, const std::vector<std::string>& steps);

// Opens the store: WAL journal mode, foreign keys, migrations. Every error is the
// busy, unreadable or newer-version text.
Result<Db> open_store(const std::string& path, const OpenOptions& opts = {});

// For readers (`status`, resume, `workspace clean`): the store at `path` when the file
// exists (never created here); nullopt when there is none yet (no runs recorded).
Result<std::optional<Db>> open_existing_store(const std::string& path);

}  // namespace tako::store
