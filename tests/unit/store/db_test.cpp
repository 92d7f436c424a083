#include "tako/store/db.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "helpers.h"

namespace tako::store {
namespace {

TEST(Db, CreatesPrivateFileAndDirectory) {
  Fixture f;
  const std::string path = f.dir.path() + "/home/sub/tako.db";
  auto db = Db::open(path);
  ASSERT_OK(db);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((f.dir.path() + "/home/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST(Db, KeepsModeOfExistingFile) {
  Fixture f;
  { std::ofstream(f.path) << ""; }
  ASSERT_EQ(::chmod(f.path.c_str(), 0640), 0);
  ASSERT_OK(Db::open(f.path));
  struct stat st {};
  ASSERT_EQ(::stat(f.path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0640u);
}

TEST(Db, MissingFileWithoutCreateIsUnreadable) {
  Fixture f;
  OpenOptions o;
  o.create = false;
  auto db = Db::open(f.path, o);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.path + " is unreadable: unable to open database file");
}

TEST(Db, UncreatableDirectoryIsUnreadable) {
  Fixture f;
  { std::ofstream(f.dir.path() + "/file") << "x"; }
  const std::string path = f.dir.path() + "/file/tako.db";
  auto db = Db::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message.rfind("state store " + path + " is unreadable: mkdir ", 0), 0u) << db.error().message;
}

TEST(Db, UncreatableFileIsUnreadable) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  Fixture f;
  const std::string sub = f.dir.path() + "/ro";
  ASSERT_EQ(::mkdir(sub.c_str(), 0500), 0);
  auto db = Db::open(sub + "/tako.db");
  ::chmod(sub.c_str(), 0700);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + sub + "/tako.db is unreadable: permission denied");
}

TEST(Db, FileNameTooLongIsUnreadable) {
  Fixture f;
  const std::string path = f.dir.path() + "/" + std::string(300, 'x') + ".db";
  auto db = Db::open(path);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + path + " is unreadable: file name too long");
}

TEST(Db, DirectoryIsUnreadable) {
  Fixture f;
  auto db = Db::open(f.dir.path());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().message, "state store " + f.dir.path() + " is unreadable: unable to open database file");
}

TEST(Db, StatementsBindStepAndReset) {
  Fixture f;
  auto db = Db::open(f.path);
  ASSERT_OK(db);
  ASSERT_OK(db->exec("CREATE TABLE t(a INTEGER, b TEXT)"));
  auto ins = db->prepare("INSERT INTO t VALUES(?1, ?2)");
  ASSERT_OK(ins);
  ASSERT_OK(ins->bind(1, int64_t{1}).bind(2, std::string_view("one")).run());
  ASSERT_OK(ins->bind(1, std::optional<int64_t>{}).bind(2, std::optional<std::string>{}).run());
  ASSERT_OK(ins->bind(1, std::optional<int64_t>{3}).bind(2, std::optional<std::string>{"three"}).run());
  auto sel = db->prepare("SELECT a, b FROM t ORDER BY rowid");
  ASSERT_OK(sel);
  std::vector<std::pair<std::optional<int64_t>, std::optional<std::string>>> rows;
  for (;;) {
    auto row = sel->step();
    ASSERT_OK(row);
    if (!*row) break;
    rows.emplace_back(sel->opt_int64(0), sel->opt_text(1));
  }
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].first, 1);
  EXPECT_EQ(rows[0].second, "one");
  EXPECT_FALSE(rows[1].first);
  EXPECT_FALSE(rows[1].second);
  EXPECT_EQ(rows[2].second, "three");
  // Reset rewinds: the same statement yields the first row again.
  sel->reset();
  auto row = sel->step();
  ASSERT_OK(row);
  EXPECT_TRUE(*row);
  EXPECT_EQ(sel->text(1), "one");
  EXPECT_EQ(sel->text(0), "1");
}

TEST(Db, MoveAssignmentKeepsOneOwner) {
  Fixture f;
  auto a = Db::open(f.path);
  auto b = Db::open(f.dir.path() + "/other.db");
  ASSERT_OK(a);
  ASSERT_OK(b);
  *a = std::move(*b);
  EXPECT_EQ(a->path(), f.dir.path() + "/other.db");
  ASSERT_OK(a->exec("CREATE TABLE t(x)"));
  auto s1 = a->prepare("SELECT 1");
  auto s2 = a->prepare("SELECT 2");
  ASSERT_OK(s1);
  ASSERT_OK(s2);
  *s1 = std::move(*s2);
  auto row = s1->step();
  ASSERT_OK(row);
  EXPECT_EQ(s1->int64(0), 2);
}

TEST(Db, ErrorsAreData) {
  Fixture f;
  auto db = Db::open(f.path);
  ASSERT_OK(db);
  auto bad = db->prepare("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "state store " + f.path + ": near \"SELEC\": syntax error");
  ASSERT_OK(db->exec("CREATE TABLE t(a INTEGER PRIMARY KEY)"));
  ASSERT_OK(db->exec("INSERT INTO t VALUES(1)"));
  auto ins = db->prepare("INSERT INTO t VALUES(1)");
  ASSERT_OK(ins);
  auto r = ins->run();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "state store " + f.path + ": UNIQUE constraint failed: t.a");
  auto p = db->pragma_int("no_such_pragma");  // unknown pragmas yield no row
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().message,
            "state store " + f.path + " is unreadable: PRAGMA no_such_pragma returned no row");
  auto e = db->exec("SELECT * FROM missing");
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().message, "state store " + f.path + ": no such table: missing");
}

TEST(Db, TransactionRollsBackUnlessCommitted) {
  Fixture f;
  auto db = Db::open(f.path);
  ASSERT_OK(db);
  ASSERT_OK(db->exec("CREATE TABLE t(a)"));
  {
    auto txn = Txn::begin(*db);
    ASSERT_OK(txn);
    ASSERT_OK(db->exec("INSERT INTO t VALUES(1)"));
  }  // dropped: rolled back
  {
    auto txn = Txn::begin(*db);
    ASSERT_OK(txn);
    ASSERT_OK(db->exec("INSERT INTO t VALUES(2)"));
    ASSERT_OK(txn->commit());
  }
  auto sum = db->prepare("SELECT count(*), sum(a) FROM t");
  ASSERT_OK(sum);
  ASSERT_OK(sum->step());
  EXPECT_EQ(sum->int64(0), 1);
  EXPECT_EQ(sum->int64(1), 2);
}

TEST(Db, SecondWriterGetsBusyAfterTimeout) {
  Fixture f;
  OpenOptions quick;
  quick.busy_timeout = std::chrono::milliseconds(20);
  auto holder = Db::open(f.path, quick);
  auto waiter = Db::open(f.path, quick);
  ASSERT_OK(holder);
  ASSERT_OK(waiter);
  ASSERT_OK(holder->exec("PRAGMA journal_mode=WAL; CREATE TABLE t(a)"));
  auto held = Txn::begin(*holder);
  ASSERT_OK(held);
  auto t = Txn::begin(*waiter);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "state store " + f.path + " is busy");
  // Readers never wait (WAL).
  auto read = waiter->prepare("SELECT count(*) FROM t");
  ASSERT_OK(read);
  ASSERT_OK(read->step());
  ASSERT_OK(held->commit());
  ASSERT_OK(Txn::begin(*waiter));
}

}  // namespace
}  // namespace tako::store
