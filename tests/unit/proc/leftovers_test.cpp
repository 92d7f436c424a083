#include "tako/proc/leftovers.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>

namespace tako::proc {
namespace {

using namespace std::chrono_literals;

std::string unique_id(const char* tag) {
  static int counter = 0;
  return std::string("leftover-") + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Starts `sh -c script` with TAKO_RUN_ID=<run_id>, TAKO_STEP_ID=<step> and PATH, in a process group
// of its own unless `own_group` is false (then in the test's group). With `out`, the
// script's stdout is a pipe whose read end is stored there.
pid_t start(const std::string& run_id, const char* script, bool own_group = true, int* out = nullptr,
            const std::string& step = "s1") {
  std::string var = "TAKO_RUN_ID=" + run_id;
  std::string step_var = "TAKO_STEP_ID=" + step;
  int p[2] = {-1, -1};
  if (out != nullptr && ::pipe(p) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    if (own_group) ::setpgid(0, 0);
    if (out != nullptr) {
      ::dup2(p[1], 1);
      ::close(p[0]);
      ::close(p[1]);
    }
    char* envp[] = {var.data(), step_var.data(), const_cast<char*>("PATH=/usr/bin:/bin"), nullptr};
    ::execle("/bin/sh", "sh", "-c", script, static_cast<char*>(nullptr), envp);
    ::_exit(127);
  }
  if (own_group) ::setpgid(pid, pid);  // no race with the child's own call
  if (out != nullptr) {
    ::close(p[1]);
    *out = p[0];
  }
  return pid;
}

// Blocks until the process behind `fd` printed a line (or exited); returns that line.
std::string read_line(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

// Polls (with a deadline) until find_leftovers reports at least `n` processes for `ids`,
// one of them running `command` when given (a forked shell is "sh" until it execs).
std::vector<Leftover> wait_for_count(const std::set<StepRef>& ids, size_t n, const std::string& command = "") {
  auto deadline = std::chrono::steady_clock::now() + 10s;
  for (;;) {
    auto found = find_leftovers(ids);
    bool ready = found.size() >= n && (command.empty() || std::any_of(found.begin(), found.end(), [&](auto& l) {
                                         return l.command == command;
                                       }));
    if (ready || std::chrono::steady_clock::now() > deadline) return found;
    std::this_thread::sleep_for(5ms);
  }
}

int reap(pid_t pid) {
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
  return status;
}

// Reaps `pid`; the signal that ended it, or -1 when it exited.
int killed_by(pid_t pid) {
  int status = reap(pid);
  return WIFSIGNALED(status) ? WTERMSIG(status) : -1;
}

TEST(Leftovers, FoundByRunIdWithTheirGroupAndStoppedWithSigterm) {
  const std::string id = unique_id("term");
  pid_t leader = start(id, "sleep 60 & wait");
  const std::set<StepRef> step{{id, "s1"}};
  auto found = wait_for_count(step, 2, "sleep");  // the shell and its sleep
  ASSERT_EQ(found.size(), 2u);
  EXPECT_LT(found[0].pid, found[1].pid);
  std::set<std::string> commands;
  for (const Leftover& l : found) {
    commands.insert(l.command + (l.pid == leader ? " (leader)" : ""));
    EXPECT_EQ(l.pgid, leader);
    EXPECT_EQ(l.step, (StepRef{id, "s1"}));
  }
  EXPECT_EQ(commands, (std::set<std::string>{"sh (leader)", "sleep"}));
  // Whole values only, and both must match.
  EXPECT_TRUE(find_leftovers({{id + "x", "s1"}, {id, "s"}, {id, "s12"}, {unique_id("other"), "s1"}}).empty());

  EXPECT_TRUE(stop_leftovers(found, step, 5s));
  EXPECT_TRUE(find_leftovers(step).empty());
  EXPECT_EQ(killed_by(leader), SIGTERM);
}

TEST(Leftovers, GroupIgnoringSigtermGetsSigkillAfterTheGrace) {
  const std::string id = unique_id("kill");
  int ready = -1;
  pid_t leader = start(id, "trap '' TERM; echo ready; while :; do sleep 0.05; done", true, &ready);
  ASSERT_EQ(read_line(ready), "ready");  // the trap is in place
  ::close(ready);
  const std::set<StepRef> step{{id, "s1"}};
  auto found = wait_for_count(step, 1);
  ASSERT_FALSE(found.empty());
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(stop_leftovers(found, step, 200ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 200ms);
  EXPECT_TRUE(find_leftovers(step).empty());
  EXPECT_EQ(killed_by(leader), SIGKILL);
}

TEST(Leftovers, NeverAProcessOfThisProcesssGroup) {
  const std::string id = unique_id("group");
  pid_t same_group = start(id, "exec sleep 60", /*own_group=*/false);
  pid_t other_group = start(id, "exec sleep 60");
  const std::set<StepRef> step{{id, "s1"}};
  auto found = wait_for_count(step, 1, "sleep");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].pid, other_group);
  EXPECT_TRUE(stop_leftovers(found, step, 5s));
  ::kill(same_group, SIGKILL);
  reap(same_group);
  reap(other_group);
}

TEST(Leftovers, OnlyTheNamedStepsOfARun) {
  // A daemon an earlier, completed step of the run started is not an interrupted step's.
  const std::string id = unique_id("steps");
  pid_t daemon = start(id, "exec sleep 60", true, nullptr, "start-server");
  pid_t interrupted = start(id, "exec sleep 60", true, nullptr, "deploy");
  const std::set<StepRef> step{{id, "deploy"}};
  auto found = wait_for_count(step, 1, "sleep");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].pid, interrupted);
  EXPECT_TRUE(stop_leftovers(found, step, 5s));
  ASSERT_EQ(wait_for_count({{id, "start-server"}}, 1, "sleep").size(), 1u);  // still running
  ::kill(daemon, SIGKILL);
  reap(daemon);
  reap(interrupted);
}

TEST(Leftovers, NothingToFind) {
  EXPECT_TRUE(find_leftovers({}).empty());
  EXPECT_TRUE(find_leftovers({{unique_id("none"), "s1"}}).empty());
  EXPECT_TRUE(stop_leftovers({}, {{unique_id("none"), "s1"}}, 1s));
}

}  // namespace
}  // namespace tako::proc
