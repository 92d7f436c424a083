#include "tako/proc/group_keeper.h"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "tako/proc/spawn.h"
#include "test_util.h"

namespace tako::proc {
namespace {

using namespace std::chrono_literals;
using testing::dead;
using testing::eventually;

std::string read_line(int fd) {
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

struct Owner {
  pid_t pid = -1;      // the stand-in for tako, killed with SIGKILL by the test
  pid_t keeper = -1;
  pid_t leader = -1;   // the step's process (group leader)
  pid_t background = -1;  // a background job of the step, same group
};

// Reads one line from a non-blocking descriptor (poll, no sleeps).
std::string read_line_polled(int fd) {
  std::string line;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) return line;
    char c;
    ssize_t n = ::read(fd, &c, 1);
    if (n == 0) return line;
    if (n < 0) continue;
    if (c == '\n') return line;
    line += c;
  }
}

// Forks a stand-in for tako: it starts a keeper, spawns `script` in a new process group,
// reads the script's one line ("$$ <pid of a background job>"), optionally tells the
// keeper to forget the group (as Child does once it has reaped the leader), reports
// "<keeper> <leader> <background>" and waits to be killed.
Owner start_owner(const std::string& script, GroupKeeper::Options options = {}, bool untrack = false) {
  int p[2];
  EXPECT_EQ(::pipe(p), 0);
  Owner o;
  o.pid = ::fork();
  if (o.pid == 0) {
    ::close(p[0]);
    auto keeper = GroupKeeper::start(options);
    if (!keeper) ::_exit(2);
    auto child = spawn({.argv = sh_command(script), .stdout_mode = Stdio::Pipe});
    if (!child) ::_exit(3);
    std::string step = read_line_polled(child->stdout_fd());
    if (untrack) detail::keeper_untrack(child->pgid());
    std::string report = std::to_string((*keeper)->pid()) + " " + step + "\n";
    if (::write(p[1], report.data(), report.size()) < 0) ::_exit(4);
    for (;;) ::pause();  // until the test's SIGKILL: no destructor runs, as with kill -9
  }
  ::close(p[1]);
  std::istringstream in(read_line(p[0]));
  in >> o.keeper >> o.leader >> o.background;
  ::close(p[0]);
  EXPECT_GT(o.background, 0);
  return o;
}

std::string debug_of(pid_t pid) {
  std::string out = "pid " + std::to_string(pid) + " state " + testing::proc_state(pid);
  std::ifstream w("/proc/" + std::to_string(pid) + "/wchan");
  std::string line;
  std::getline(w, line);
  std::ifstream c("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(c, comm);
  return out + " wchan " + line + " comm " + comm;
}

void kill_owner(const Owner& o) {
  ASSERT_EQ(::kill(o.pid, SIGKILL), 0);
  int st = 0;
  ASSERT_EQ(::waitpid(o.pid, &st, 0), o.pid);
}

void cleanup(const Owner& o) {
  for (pid_t p : {o.leader, o.background}) {
    if (p > 0 && !dead(p)) ::kill(p, SIGKILL);
  }
}

TEST(GroupKeeper, EndsTheWholeGroupWithin1sWhenItsOwnerIsKilled) {
  Owner o = start_owner("sleep 300 & echo $$ $!; wait");
  ASSERT_FALSE(dead(o.leader));
  ASSERT_FALSE(dead(o.background));
  auto killed = std::chrono::steady_clock::now();
  kill_owner(o);
  EXPECT_TRUE(eventually([&] { return dead(o.leader) && dead(o.background); }, 1s));
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 1s);
  // The keeper does not linger once its work is done.
  EXPECT_TRUE(eventually([&] { return dead(o.keeper); }, 2s));
  cleanup(o);
}

TEST(GroupKeeper, KillsAGroupThatIgnoresSigterm) {
  Owner o = start_owner("trap '' TERM; sleep 300 & echo $$ $!; while :; do sleep 0.05; done", {.term_grace = 200ms});
  kill_owner(o);
  EXPECT_TRUE(eventually([&] { return dead(o.leader) && dead(o.background); }, 1s));
  EXPECT_TRUE(eventually([&] { return dead(o.keeper); }, 2s));
  cleanup(o);
}

TEST(GroupKeeper, LeavesAForgottenGroupAlone) {
  // A group whose leader tako has reaped is forgotten: its id may belong to somebody else.
  Owner o = start_owner("sleep 300 & echo $$ $!; wait", {}, /*untrack=*/true);
  kill_owner(o);
  ASSERT_TRUE(eventually([&] { return dead(o.keeper); }, 2s)) << debug_of(o.keeper);
  EXPECT_FALSE(dead(o.leader));
  EXPECT_FALSE(dead(o.background));
  ::kill(-o.leader, SIGKILL);
  EXPECT_TRUE(eventually([&] { return dead(o.leader) && dead(o.background); }, 2s));
}

TEST(GroupKeeper, NormalEndDisarmsAndLeavesRunningGroupsAsBefore) {
  auto child = spawn({.argv = {"sleep", "300"}});
  ASSERT_TRUE(child.ok());
  pid_t keeper_pid;
  {
    auto keeper = GroupKeeper::start();
    ASSERT_TRUE(keeper.ok()) << keeper.error().message;
    keeper_pid = (*keeper)->pid();
    auto tracked = spawn({.argv = {"sleep", "300"}});
    ASSERT_TRUE(tracked.ok());
    *child = std::move(*tracked);  // the first (untracked) one is killed and reaped here
    EXPECT_TRUE(GroupKeeper::installed());
  }  // the destructor disarms, closes and reaps the keeper
  EXPECT_FALSE(GroupKeeper::installed());
  EXPECT_EQ(::kill(keeper_pid, 0), -1);  // reaped: gone
  EXPECT_FALSE(dead(child->pid()));      // a disarmed keeper ends nothing
  EXPECT_TRUE(child->signal_group(SIGKILL));
  child->wait();
}

TEST(GroupKeeper, OneAtATime) {
  auto first = GroupKeeper::start();
  ASSERT_TRUE(first.ok());
  auto second = GroupKeeper::start();
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().message, "keeper: a keeper is already installed");
  first->reset();
  auto third = GroupKeeper::start();
  EXPECT_TRUE(third.ok());
}

std::set<std::string> fds_of(pid_t pid) {
  std::set<std::string> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      if (e->d_name[0] != '.') out.insert(e->d_name);
    }
    ::closedir(d);
  }
  return out;
}

std::string link_of(pid_t pid, int fd) {
  char buf[256];
  std::string path = "/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, static_cast<size_t>(n));
}

TEST(GroupKeeper, HoldsOnlyItsSocketAndLeadsItsOwnGroup) {
  // A descriptor without O_CLOEXEC (as a lock or a state file could be) must not reach it.
  int stray = ::open("/dev/zero", O_RDONLY);
  ASSERT_GE(stray, 0);
  auto keeper = GroupKeeper::start();
  ASSERT_TRUE(keeper.ok());
  pid_t k = (*keeper)->pid();
  EXPECT_TRUE(eventually([&] { return fds_of(k) == std::set<std::string>{"0", "1", "2", "3"}; }, 5s))
      << fds_of(k).size();
  for (int fd = 0; fd < 3; ++fd) EXPECT_EQ(link_of(k, fd), "/dev/null");
  EXPECT_EQ(link_of(k, 3).rfind("socket:", 0), 0u);
  EXPECT_EQ(::getpgid(k), k);
  ::close(stray);
}

}  // namespace
}  // namespace tako::proc
