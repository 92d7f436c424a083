// The snapshot reader on a real SQLite store written by the journal, with real log files.
#include "tako/view/snapshot_reader.h"

#include <gtest/gtest.h>

#include "tako/store/journal.h"
#include "tako/store/schema.h"
#include "tako/util/file_lock.h"
#include "tako/util/fs.h"

namespace tako::view {
namespace {

using namespace std::chrono;

state::Timestamp at(int64_t s) { return state::Timestamp(seconds(1752580800 + s)); }

struct Home {
  util::TempDir dir{"tako-view-test"};
  std::string home = dir.path();

  std::unique_ptr<store::Journal> journal() {
    store::JournalOptions o;
    o.tako_version = "0.1.0";
    o.pid = 4242;
    o.hostname = "another-host";  // only the run lock decides liveness
    auto j = store::Journal::open(store::store_path(home), o);
    EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
    return j.ok() ? std::move(*j) : nullptr;
  }
  std::string workspace(const std::string& id) { return home + "/workspaces/" + id; }
};

state::RunNode run(const std::string& id, const std::string& workspace) {
  state::RunNode r;
  r.run_id = id;
  r.repository = "my-org/lib";
  r.path = "/src/lib";
  r.workflow = "release";
  r.workspace = workspace;
  return r;
}

TEST(ViewSnapshotReader, ReadsRunsStepsWaitsAndTheLastLogLine) {
  Home h;
  auto j = h.journal();
  ASSERT_TRUE(j);
  const std::string id = "exec-20250715-120000-00000001";
  ASSERT_TRUE(j->run_created(run(id, h.workspace(id))).ok());
  ASSERT_TRUE(j->run_started(id, at(0)).ok());
  state::StepNode fan;
  fan.id = "fan";
  fan.status = state::StepStatus::Running;
  fan.start_time = at(1);
  fan.log = "logs/fan.log";
  ASSERT_TRUE(j->step_started(id, fan).ok());
  state::RunNode child = run("exec-20250715-120000-00000002", h.workspace(id));
  child.repository = "my-org/app";
  child.parent_run_id = id;
  child.parent_step = "fan";
  child.depth = 1;
  ASSERT_TRUE(j->child_created(child).ok());
  ASSERT_TRUE(j->run_waiting(child.run_id, "lock on my-org/app").ok());
  ASSERT_TRUE(util::make_dirs(h.workspace(id) + "/logs").ok());
  ASSERT_TRUE(util::write_file_atomic(h.workspace(id) + "/logs/fan.log", "first\nsecond \x1b[31mred\n\n").ok());

  auto of_child = SnapshotReader::open(h.home, child.run_id);  // a tree is watched from its root
  ASSERT_FALSE(of_child.ok());
  EXPECT_EQ(of_child.error().message, "run 'exec-20250715-120000-00000002' not found");
  auto reader = SnapshotReader::open(h.home, id);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto snap = reader->read(false);
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  EXPECT_TRUE(tree_active(*snap));
  const RunView& root = snap->root;
  EXPECT_EQ(root.status, state::RunStatus::Running);
  ASSERT_EQ(root.steps.size(), 1u);
  EXPECT_EQ(root.steps[0].id, "fan");
  EXPECT_EQ(root.steps[0].last_line, "second  [31mred");  // the escape is never sent to the terminal
  ASSERT_EQ(root.children.size(), 1u);
  EXPECT_EQ(root.children[0].repository, "my-org/app");
  EXPECT_EQ(root.children[0].waiting_for, std::optional<std::string>("lock on my-org/app"));

  // Another process watching: nobody holds the run lock, so the tree is interrupted and over.
  auto watched = reader->read(true);
  ASSERT_TRUE(watched.ok());
  EXPECT_FALSE(watched->owner_alive);
  EXPECT_TRUE(watched->root.interrupted);
  EXPECT_FALSE(tree_active(*watched));

  // The next read sees what the writer committed since.
  store::StepEnd end;
  end.status = state::StepStatus::Completed;
  end.end_time = at(5);
  ASSERT_TRUE(j->step_finished(id, "fan", end).ok());
  ASSERT_TRUE(j->run_finished(id, state::RunStatus::Completed, at(6), 6000, std::nullopt).ok());
  auto done = reader->read(false);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->root.status, state::RunStatus::Completed);
  EXPECT_EQ(done->root.steps[0].last_line, "");  // only running steps show a line
  EXPECT_FALSE(tree_active(*done));
}

TEST(ViewSnapshotReader, UnknownIdsAndNoRunningRun) {
  Home h;
  auto none = SnapshotReader::open(h.home, "exec-20250715-120000-0000000f");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().message, "run 'exec-20250715-120000-0000000f' not found");  // no store yet
  auto newest = newest_running_root(h.home);
  ASSERT_FALSE(newest.ok());
  EXPECT_EQ(newest.error().message, "no running run to watch");

  auto j = h.journal();
  ASSERT_TRUE(j);
  const std::string id = "exec-20250715-120000-00000001";
  ASSERT_TRUE(j->run_created(run(id, h.workspace(id))).ok());
  ASSERT_TRUE(j->run_started(id, at(0)).ok());
  auto unknown = SnapshotReader::open(h.home, "exec-20250715-120000-0000000e");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "run 'exec-20250715-120000-0000000e' not found");
  // Recorded running, but its owner is gone (no run lock): nothing to watch.
  EXPECT_FALSE(newest_running_root(h.home).ok());
  {
    auto lock = util::FileLock::try_acquire(util::run_lock_path(h.home, id));  // held in this scope
    ASSERT_TRUE(lock.ok() && lock->has_value());
    auto found = newest_running_root(h.home);
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(*found, id);
  }
}

TEST(ViewSnapshotReader, LastLogLine) {
  util::TempDir dir("tako-view-log");
  const std::string p = dir.path() + "/x.log";
  EXPECT_EQ(last_log_line(p), "");  // no log yet (a silent step)
  ASSERT_TRUE(util::write_file_atomic(p, "a\nprogress 10%\rprogress 90%\n   \n").ok());
  EXPECT_EQ(last_log_line(p), "progress 90%");
  std::string big(10000, 'x');
  ASSERT_TRUE(util::write_file_atomic(p, "start\n" + big + "\nend").ok());
  EXPECT_EQ(last_log_line(p), "end");
  ASSERT_TRUE(util::write_file_atomic(p, "start\n" + big + "\n").ok());
  EXPECT_EQ(last_log_line(p), std::string(4095, 'x'));  // the tail that was read
}


// Steps come in start order, not in the order of their ids (the store's key): read_view sorts
// them itself, the query has no ORDER BY.
TEST(ViewSnapshotReader, StepsInStartOrder) {
  Home h;
  auto j = h.journal();
  ASSERT_TRUE(j);
  const std::string id = "exec-20250715-120000-00000001";
  ASSERT_TRUE(j->run_created(run(id, h.workspace(id))).ok());
  ASSERT_TRUE(j->run_started(id, at(0)).ok());
  int t = 1;
  for (const char* name : {"zeta", "alpha", "mid"}) {
    state::StepNode s;
    s.id = name;
    s.status = state::StepStatus::Running;
    s.start_time = at(t++);
    ASSERT_TRUE(j->step_started(id, s).ok());
  }
  auto reader = SnapshotReader::open(h.home, id);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  auto snap = reader->read(false);
  ASSERT_TRUE(snap.ok()) << snap.error().message;
  std::vector<std::string> ids;
  for (const StepView& s : snap->root.steps) ids.push_back(s.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

}  // namespace
}  // namespace tako::view
