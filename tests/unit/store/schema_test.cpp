#include "tako/store/schema.h"

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "helpers.h"

namespace tako::store {
namespace {

std::set<std::string> names(Db& db, const std::string& type) {
  std::set<std::string> out;
  auto st = db.prepare("SELECT name FROM sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%'");
  EXPECT_TRUE(st.ok());
  st->bind(1, type);
  while (true) {
    auto row = st->step();
    if (!row.ok() || !*row) break;
    out.insert(st->text(0));
  }
  return out;
}

TEST(Schema, CreatesTablesIndexesAndVersion) {
  Fixture f;
  auto db = open_store(f.path);
  ASSERT_OK(db);
  EXPECT_EQ(names(*db, "table"), (std::set<std::string>{"events", "fan_outs", "history", "runs", "steps"}));
  EXPECT_EQ(names(*db, "index"),
            (std::set<std::string>{"history_by_run", "runs_by_parent_step", "runs_by_root", "runs_recent_roots"}));
  auto v = db->pragma_int("user_version");
  ASSERT_OK(v);
  EXPECT_EQ(*v, kSchemaVersion);
  EXPECT_EQ(static_cast<int>(migrations().size()), kSchemaVersion);
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_OK(mode);
  ASSERT_OK(mode->step());
  EXPECT_EQ(mode->text(0), "wal");
  auto fk = db->pragma_int("foreign_keys");
  ASSERT_OK(fk);
  EXPECT_EQ(*fk, 1);
}

TEST(Schema, ReopeningIsANoOp) {
  Fixture f;
  { ASSERT_OK(open_store(f.path)); }
  auto db = open_store(f.path);
  ASSERT_OK(db);
  auto v = db->pragma_int("user_version");
  ASSERT_OK(v);
  EXPECT_EQ(*v, kSchemaVersion);
}

TEST(Schema, NewerVersionIsRefusedWithTheExactText) {
  Fixture f;
  {
    auto db = open_store(f.path);
    ASSERT_OK(db);
    ASSERT_OK(db->exec("PRAGMA user_version = 7"));
  }
  auto db = open_store(f.path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.path + " has schema version 7, newer than this tako (" +
                                    std::to_string(kSchemaVersion) + ")");
}

TEST(Schema, MigratesForwardStepByStep) {
  Fixture f;
  auto db = Db::open(f.path);
  ASSERT_OK(db);
  const std::vector<std::string> v1{"CREATE TABLE a(x)"};
  ASSERT_OK(migrate(*db, v1));
  ASSERT_OK(db->exec("INSERT INTO a VALUES(1)"));
  // A later tako adds two steps: an old store runs only the missing ones, data kept.
  const std::vector<std::string> v3{"CREATE TABLE a(x)", "ALTER TABLE a ADD COLUMN y DEFAULT 5",
                                    "CREATE TABLE b(z)"};
  ASSERT_OK(migrate(*db, v3));
  auto v = db->pragma_int("user_version");
  ASSERT_OK(v);
  EXPECT_EQ(*v, 3);
  auto st = db->prepare("SELECT x, y FROM a");
  ASSERT_OK(st);
  ASSERT_OK(st->step());
  EXPECT_EQ(st->int64(0), 1);
  EXPECT_EQ(st->int64(1), 5);
  EXPECT_EQ(names(*db, "table"), (std::set<std::string>{"a", "b"}));
  // And the old tako is refused by the migrated store.
  auto old = migrate(*db, v1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.error().message, "state store " + f.path + " has schema version 3, newer than this tako (1)");
}

TEST(Schema, FailedMigrationLeavesTheStoreUntouched) {
  Fixture f;
  auto db = Db::open(f.path);
  ASSERT_OK(db);
  const std::vector<std::string> bad{"CREATE TABLE a(x)", "CREATE TABLE a(x)"};
  auto s = migrate(*db, bad);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "state store " + f.path + ": table a already exists");
  auto v = db->pragma_int("user_version");
  ASSERT_OK(v);
  EXPECT_EQ(*v, 0);
  EXPECT_TRUE(names(*db, "table").empty());
}

TEST(Schema, MigrationWaitsForAnotherWriterThenFailsBusy) {
  Fixture f;
  OpenOptions quick;
  quick.busy_timeout = std::chrono::milliseconds(20);
  auto holder = Db::open(f.path, quick);
  ASSERT_OK(holder);
  auto txn = Txn::begin(*holder);
  ASSERT_OK(txn);
  auto db = open_store(f.path, quick);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.path + " is busy");
}

TEST(Schema, NonDatabaseFileIsUnreadable) {
  Fixture f;
  { std::ofstream(f.path) << std::string(4096, 'x'); }
  auto db = open_store(f.path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.path + " is unreadable: file is not a database");
}

TEST(Schema, AStoreWithoutWalIsRefused) {
  OpenOptions o;
  o.create = false;  // SQLite's in-memory database: its journal mode cannot be WAL
  auto db = open_store(":memory:", o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store :memory: is unreadable: cannot use WAL journal mode (memory)");
}

TEST(Schema, ReadingANonDatabaseFails) {
  Fixture f;
  { std::ofstream(f.path) << std::string(4096, 'x'); }
  auto db = Db::open(f.path);
  ASSERT_OK(db);  // SQLite opens lazily
  auto v = db->pragma_int("user_version");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "state store " + f.path + " is unreadable: file is not a database");
}

TEST(Schema, CorruptHeaderIsUnreadable) {
  Fixture f;
  { ASSERT_OK(open_store(f.path)); }
  {
    std::fstream io(f.path, std::ios::in | std::ios::out | std::ios::binary);
    io.seekp(0);
    io << "SQLite format 2";  // the magic string is the first 16 bytes
  }
  auto db = open_store(f.path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.path + " is unreadable: file is not a database");
}

}  // namespace
}  // namespace tako::store
