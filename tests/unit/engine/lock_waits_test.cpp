#include "tako/engine/lock_waits.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "tako/util/file_lock.h"
#include "tako/util/fs.h"

using tako::engine::DeadlockQuery;
using tako::engine::find_deadlock;
using tako::engine::LockWait;
using tako::engine::LockWaits;
using tako::engine::wait_file_json;

namespace {

constexpr long long kSelf = 1000, kB = 2000, kC = 3000;

// Lock payloads and wait files as other processes leave them; only their content matters to
// the chain walk (whether the lock is held is what the caller found out by failing to take it).
class Chain : public ::testing::Test {
 protected:
  tako::util::TempDir tmp{"tako-waits"};
  std::string lock(const std::string& name) const { return tmp.path() + "/" + name + ".lock"; }
  std::string waits(long long pid) const { return tmp.path() + "/waits-" + std::to_string(pid) + ".json"; }

  void hold(const std::string& name, long long pid, const std::string& run, const std::string& repo) {
    tako::util::LockHolder h{pid, run, repo, "/src/" + name, "2026-01-01T00:00:00Z", waits(pid)};
    ASSERT_TRUE(tako::util::write_file_atomic(lock(name), tako::util::lock_holder_json(h)));
  }
  void wait(long long pid, std::vector<LockWait> ws) {
    ASSERT_TRUE(tako::util::write_file_atomic(waits(pid), wait_file_json(pid, ws)));
  }
  DeadlockQuery query(const std::string& name, const std::string& repo) const {
    DeadlockQuery q;
    q.lock = lock(name);
    q.repository = repo;
    q.self_pid = kSelf;
    q.own_runs = {"a-child", "a-root"};
    q.alive = [](long long) { return true; };
    return q;
  }
};

}  // namespace

TEST_F(Chain, DirectCycleIsReportedWithBothRepositories) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  wait(kB, {{lock("p"), "o/p", {"b-child", "b-root"}}});
  EXPECT_EQ(find_deadlock(query("q", "o/q")),
            "deadlock: o/q is held by run b-root, which waits for o/p held by this tree");
}

TEST_F(Chain, CycleThroughAThirdProcess) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  hold("r", kC, "c-mid", "o/r");
  wait(kB, {{lock("r"), "o/r", {"b-child", "b-root"}}});
  wait(kC, {{lock("p"), "o/p", {"c-leaf", "c-mid", "c-root"}}});
  EXPECT_EQ(find_deadlock(query("q", "o/q")),
            "deadlock: o/q is held by run b-root, which waits for o/p held by this tree");
}

TEST_F(Chain, HopLimitBoundsTheWalk) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  hold("r", kC, "c-mid", "o/r");
  wait(kB, {{lock("r"), "o/r", {"b-child", "b-root"}}});
  wait(kC, {{lock("p"), "o/p", {"c-leaf", "c-mid"}}});
  auto q = query("q", "o/q");
  q.max_hops = 1;
  EXPECT_EQ(find_deadlock(q), "");
  q.max_hops = 2;
  EXPECT_NE(find_deadlock(q), "");
}

TEST_F(Chain, DeadHolderIsIgnored) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  wait(kB, {{lock("p"), "o/p", {"b-child", "b-root"}}});
  auto q = query("q", "o/q");
  q.alive = [](long long pid) { return pid != kB; };
  EXPECT_EQ(find_deadlock(q), "");
}

TEST_F(Chain, WaitFileOfAnotherPidIsIgnored) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  ASSERT_TRUE(tako::util::write_file_atomic(waits(kB), wait_file_json(kC, {{lock("p"), "o/p", {"b-root"}}})));
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, GarbageOrMissingWaitFileIsIgnored) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
  ASSERT_TRUE(tako::util::write_file_atomic(waits(kB), "{not json"));
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
  ASSERT_TRUE(tako::util::write_file_atomic(waits(kB), R"({"pid":2000,"waits":[{"lock":1},{"runs":[]},7]})"));
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, WaitOfARunOutsideTheHoldersSubtreeDoesNotCount) {
  // b-root holds q; only b-other (not b-root's descendant) waits for p: b-root finishes anyway.
  hold("p", kSelf, "a-root", "o/p");
  hold("q", kB, "b-root", "o/q");
  wait(kB, {{lock("p"), "o/p", {"b-other", "b-other-root"}}});
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, LockHeldByASiblingInThisProcessIsNoCycle) {
  // p is held by a-sibling, which does not wait for this run: it ends and frees p.
  hold("p", kSelf, "a-sibling", "o/p");
  hold("q", kB, "b-root", "o/q");
  wait(kB, {{lock("p"), "o/p", {"b-child", "b-root"}}});
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, CycleAmongOtherProcessesEndsTheWalk) {
  hold("q", kB, "b-root", "o/q");
  hold("r", kC, "c-root", "o/r");
  wait(kB, {{lock("r"), "o/r", {"b-child", "b-root"}}});
  wait(kC, {{lock("q"), "o/q", {"c-child", "c-root"}}});
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, FreeOrUnnamedLockIsNoCycle) {
  EXPECT_EQ(find_deadlock(query("missing", "o/m")), "");
  ASSERT_TRUE(tako::util::write_file_atomic(lock("q"), "{}"));
  EXPECT_EQ(find_deadlock(query("q", "o/q")), "");
}

TEST_F(Chain, RealPidLivenessIsTheDefault) {
  hold("p", kSelf, "a-root", "o/p");
  hold("q", ::getpid(), "b-root", "o/q");
  ASSERT_TRUE(tako::util::write_file_atomic(waits(::getpid()),
                                            wait_file_json(::getpid(), {{lock("p"), "o/p", {"b-root"}}})));
  auto q = query("q", "o/q");
  q.alive = nullptr;  // kill(getpid(), 0) succeeds
  EXPECT_NE(find_deadlock(q), "");
}

TEST(LockWaitsRegistry, FileListsCurrentWaitsAndGoesWhenNoneIsLeft) {
  tako::util::TempDir home("tako-waits-home");
  auto& reg = LockWaits::instance();
  EXPECT_EQ(reg.file(), "");
  { auto g = reg.add({"/x/tako.lock", "o/x", {"r"}}); }  // disabled: nothing written
  reg.enable(home.path());
  const std::string file = reg.file();
  ASSERT_EQ(file.rfind(home.path() + "/locks/waits-" + std::to_string(::getpid()) + "-", 0), 0u) << file;
  {
    auto g1 = reg.add({"/x/tako.lock", "o/x", {"c1", "root"}});
    auto g2 = reg.add({"/y/tako.lock", "o/y", {"c2", "root"}});
    auto text = tako::util::read_file(file);
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, wait_file_json(::getpid(), {{"/x/tako.lock", "o/x", {"c1", "root"}},
                                                 {"/y/tako.lock", "o/y", {"c2", "root"}}}));
    { auto moved = std::move(g1); }
    EXPECT_EQ(*tako::util::read_file(file), wait_file_json(::getpid(), {{"/y/tako.lock", "o/y", {"c2", "root"}}}));
  }
  EXPECT_FALSE(tako::util::read_file(file));
}
