#include "tako/store/db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "tako/util/fs.h"

namespace tako::store {

namespace {

// SQLite creates a new database with mode 0644 (less the umask) and gives its -wal
// and -shm files the mode of the database: creating the file first with 0600 makes
// all three private (§2).
Status create_private(const std::string& path) {
  std::filesystem::path p(path);
  if (p.has_parent_path()) {
    if (auto s = util::make_dirs(p.parent_path().string(), 0700); !s) return s;
  }
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return {};
    return fail(util::os_error_text(errno));
  }
  ::close(fd);
  return {};
}

}  // namespace

Result<Db> Db::open(const std::string& path, const OpenOptions& opts) {
  if (opts.create) {
    if (auto s = create_private(path); !s) {
      return fail("state store " + path + " is unreadable: " + s.error().message);
    }
  }
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw, path);  // owns `raw` even when opening failed (sqlite3_close frees it)
  if (rc != SQLITE_OK) return db.unreadable(raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, static_cast<int>(opts.busy_timeout.count()));
  return db;
}

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close_v2(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

Error Db::busy() const { return fail("state store " + path_ + " is busy"); }

Error Db::unreadable(std::string_view reason) const {
  return fail("state store " + path_ + " is unreadable: " + std::string(reason));
}

Error Db::error(int rc) const {
  const std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return busy();
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_PERM:
    case SQLITE_READONLY:
      return unreadable(msg);
    default:  // constraint, misuse: a caller's mistake, not the file's
      return fail("state store " + path_ + ": " + msg);
  }
}

Status Db::exec(std::string_view sql) {
  std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return error(rc);
  return {};
}

Result<Stmt> Db::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &st,
                              nullptr);
  if (rc != SQLITE_OK) return error(rc);
  return Stmt(st, this);
}

Result<int64_t> Db::pragma_int(std::string_view name) {
  auto st = prepare("PRAGMA " + std::string(name));
  if (!st) return st.error();
  auto row = st->step();
  if (!row) return row.error();
  if (!*row) return unreadable("PRAGMA " + std::string(name) + " returned no row");
  return st->int64(0);
}

Stmt& Stmt::operator=(Stmt&& o) noexcept {
  if (this != &o) {
    if (st_) sqlite3_finalize(st_);
    st_ = o.st_;
    db_ = o.db_;
    o.st_ = nullptr;
  }
  return *this;
}

Stmt::~Stmt() {
  if (st_) sqlite3_finalize(st_);
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

Stmt& Stmt::bind(int i, std::string_view v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind(int i, const std::optional<std::string>& v) { return v ? bind(i, std::string_view(*v)) : bind_null(i); }

Stmt& Stmt::bind(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }

Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

Result<bool> Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Error e = db_->error(rc);
  sqlite3_reset(st_);
  return e;
}

Status Stmt::run() {
  auto r = step();
  reset();
  if (!r) return r.error();
  return {};
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

int64_t Stmt::int64(int col) const { return sqlite3_column_int64(st_, col); }

std::string Stmt::text(int col) const {
  const unsigned char* p = sqlite3_column_text(st_, col);
  int n = sqlite3_column_bytes(st_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::optional<std::string> Stmt::opt_text(int col) const {
  if (is_null(col)) return std::nullopt;
  return text(col);
}

std::optional<int64_t> Stmt::opt_int64(int col) const {
  if (is_null(col)) return std::nullopt;
  return int64(col);
}

Result<Txn> Txn::begin(Db& db) {
  if (auto s = db.exec("BEGIN IMMEDIATE"); !s) return s.error();
  return Txn(&db);
}

Txn::~Txn() {
  if (db_) (void)db_->exec("ROLLBACK");
}

Status Txn::commit() {
  Db* db = db_;
  if (auto s = db->exec("COMMIT"); !s) return s;  // still open: the destructor rolls back
  db_ = nullptr;
  return {};
}

}  // namespace tako::store
