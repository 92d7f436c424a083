// Several tako processes use one store at once (§11.1): writers of different trees
// wait for each other (busy handler) instead of failing, readers never wait.
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "helpers.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"

namespace tako::store {
namespace {

constexpr int kSteps = 200;

// Waits for the start signal (the parent closes the pipe), then commits one tree.
[[noreturn]] void writer(const std::string& path, const std::string& run_id, int start_fd) {
  char b;
  (void)::read(start_fd, &b, 1);  // EOF: go
  JournalOptions o;
  o.pid = ::getpid();
  auto j = Journal::open(path, o);
  if (!j) _exit(2);
  if (!(*j)->run_created(root_run(run_id, 0))) _exit(3);
  for (int i = 0; i < kSteps; ++i) {
    const std::string id = "s" + std::to_string(i);
    if (!(*j)->step_started(run_id, running_step(id, i))) _exit(4);
    StepEnd end;
    end.end_time = at(i + 1);
    if (!(*j)->step_finished(run_id, id, end)) _exit(5);
    // Reads in between, as `tako status` in a third process would.
    if (!load_tree((*j)->db(), run_id)) _exit(6);
  }
  if (!(*j)->run_finished(run_id, state::RunStatus::Completed, at(kSteps + 1), 0, std::nullopt)) _exit(7);
  _exit(0);
}

TEST(Concurrency, TwoProcessesWriteOneStore) {
  Fixture f;
  { ASSERT_OK(open_store(f.path)); }  // created once, as the first tako would
  int go[2];
  ASSERT_EQ(::pipe(go), 0);
  std::vector<pid_t> pids;
  for (const char* id : {"exec-p1", "exec-p2", "exec-p3"}) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      ::close(go[1]);
      writer(f.path, id, go[0]);
    }
    pids.push_back(pid);
  }
  ::close(go[0]);
  ::close(go[1]);  // all start at once
  for (pid_t pid : pids) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
  }
  auto db = open_store(f.path);
  ASSERT_OK(db);
  auto runs = list_runs(*db, std::nullopt);
  ASSERT_OK(runs);
  ASSERT_EQ(runs->size(), 3u);
  for (const RunSummary& r : *runs) {
    EXPECT_EQ(r.status, state::RunStatus::Completed) << r.run_id;
    auto doc = load_tree(*db, r.run_id);
    ASSERT_OK(doc);
    EXPECT_EQ(doc->root.steps.size(), static_cast<size_t>(kSteps));
    auto h = tree_history(*db, r.run_id);
    ASSERT_OK(h);
    EXPECT_EQ(h->size(), static_cast<size_t>(2 + 2 * kSteps));
  }
}

}  // namespace
}  // namespace tako::store
