// RAII over the SQLite C API: one connection (Db), prepared statements (Stmt,
// prepared once, then bound, stepped and reset for every use) and write
// transactions (Txn, BEGIN IMMEDIATE; rolled back unless committed). Errors are
// Result values carrying the user-facing texts of §11.1/§11.2:
//   state store <path> is busy
//   state store <path> is unreadable: <reason>
// Not thread-safe: one Db per thread (SQLite's own locking serialises processes).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tako/util/result.h"

namespace tako::store {

// How long a writer waits for another writer (§11.1: 10 s). Tests inject less.
inline constexpr std::chrono::milliseconds kBusyTimeout{10000};

struct OpenOptions {
  std::chrono::milliseconds busy_timeout = kBusyTimeout;
  bool create = true;  // false: a missing file is "unreadable", nothing is created
};

class Stmt;

class Db {
 public:
  // Opens (creating with mode 0600, its directory with 0700) the database at `path`.
  // Only opens: the schema is schema.h's business. Errors: the unreadable text.
  static Result<Db> open(const std::string& path, const OpenOptions& opts = {});

  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements without results.
  Status exec(std::string_view sql);
  Result<Stmt> prepare(std::string_view sql);
  // A single integer pragma ("user_version", ...).
  Result<int64_t> pragma_int(std::string_view name);

  // The error of the last failed call as the user-facing text: busy, unreadable (the
  // file cannot be opened or read), else "state store <path>: <sqlite message>".
  Error error(int rc) const;
  Error busy() const;
  Error unreadable(std::string_view reason) const;

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

// A prepared statement. Bind indexes start at 1 (SQLite's convention).
class Stmt {
 public:
  Stmt() = default;  // empty until a prepared one is moved in
  Stmt(Stmt&& o) noexcept : st_(o.st_), db_(o.db_) { o.st_ = nullptr; }
  Stmt& operator=(Stmt&& o) noexcept;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt();

  Stmt& bind(int i, int64_t v);
  Stmt& bind(int i, std::string_view v);
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const std::optional<std::string>& v);
  Stmt& bind(int i, const std::optional<int64_t>& v);
  Stmt& bind_null(int i);

  // One step: true = a row is available, false = done. Errors via Db::error.
  Result<bool> step();
  // Steps a statement without rows to completion, then resets it.
  Status run();
  // Clears bindings and rewinds, ready for the next use.
  void reset();

  bool is_null(int col) const;
  int64_t int64(int col) const;
  std::string text(int col) const;
  std::optional<std::string> opt_text(int col) const;
  std::optional<int64_t> opt_int64(int col) const;

 private:
  friend class Db;
  Stmt(sqlite3_stmt* st, const Db* db) : st_(st), db_(db) {}
  sqlite3_stmt* st_ = nullptr;
  const Db* db_ = nullptr;
};

// BEGIN IMMEDIATE on construction (begin()); the destructor rolls back unless
// commit() succeeded, so an error path never leaves a transaction open.
class Txn {
 public:
  static Result<Txn> begin(Db& db);
  Txn(Txn&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
  Txn& operator=(Txn&&) = delete;
  Txn(const Txn&) = delete;
  ~Txn();
  Status commit();

 private:
  explicit Txn(Db* db) : db_(db) {}
  Db* db_ = nullptr;
};

}  // namespace tako::store
