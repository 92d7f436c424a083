#include "tako/proc/spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "tako/proc/interrupt.h"
#include "tako/proc/supervisor.h"
#include "test_util.h"

namespace tako::proc {
namespace {

using namespace testing;

ExitStatus run_sh(const std::string& cmd) {
  auto c = spawn({.argv = sh_command(cmd)});
  EXPECT_TRUE(c.ok()) << c.error().message;
  auto st = c->wait_for(10s);
  EXPECT_TRUE(st.has_value());
  return st.value_or(ExitStatus{});
}

TEST(Spawn, ExitCodes) {
  EXPECT_EQ(run_sh("exit 0").describe(), "exit status 0");
  EXPECT_EQ(run_sh("exit 3").describe(), "exit status 3");
  EXPECT_EQ(run_sh("exit 255").exit_code, 255);
}

TEST(Spawn, KilledBySignal) {
  EXPECT_EQ(run_sh("kill -KILL $$").describe(), "signal: killed");
  EXPECT_EQ(run_sh("kill -TERM $$").describe(), "signal: terminated");
  EXPECT_EQ(run_sh("kill -INT $$").describe(), "signal: interrupt");
  EXPECT_EQ(run_sh("kill -HUP $$").describe(), "signal: hangup");
  auto segv = run_sh("kill -SEGV $$");
  EXPECT_EQ(segv.signal, SIGSEGV);
  EXPECT_EQ(segv.describe().rfind("signal: segmentation fault", 0), 0u) << segv.describe();
}

TEST(Spawn, ExecErrors) {
  auto a = spawn({.argv = {"tako-no-such-command-xyz"}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().message, "exec: \"tako-no-such-command-xyz\": executable file not found in $PATH");
  auto b = spawn({.argv = {"/nonexistent/bin/x"}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "fork/exec /nonexistent/bin/x: no such file or directory");
  auto c = spawn({.argv = {"true"}, .cwd = "/nonexistent-dir"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message, "chdir /nonexistent-dir: no such file or directory");
  auto d = spawn({.argv = {}});
  EXPECT_FALSE(d.ok());
}

TEST(Spawn, EnvAndCwd) {
  util::TempDir dir("tako-proc");
  char real[PATH_MAX];
  ASSERT_NE(::realpath(dir.path().c_str(), real), nullptr);
  std::vector<std::string> env = {"FOO=bar baz", "PATH=/usr/bin:/bin"};
  auto r = run_capture({.argv = sh_command("pwd; echo \"$FOO\"; echo \"${HOME-unset}\""), .cwd = dir.path(), .env = env});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->out, std::string(real) + "\nbar baz\nunset\n");
  EXPECT_TRUE(r->status.success());
}

TEST(Spawn, InheritedEnvironment) {
  ::setenv("TAKO_PROC_TEST_VAR", "inherited", 1);
  auto r = run_capture({.argv = sh_command("echo $TAKO_PROC_TEST_VAR")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "inherited\n");
  ::unsetenv("TAKO_PROC_TEST_VAR");
}

TEST(Spawn, EnvHelpers) {
  std::vector<std::string> env = {"A=1", "B=2", "A=3"};
  env_set(env, "A", "x=y");
  EXPECT_EQ(env, (std::vector<std::string>{"A=x=y", "B=2"}));
  EXPECT_EQ(env_get(env, "A"), "x=y");
  EXPECT_EQ(env_get(env, "C"), std::nullopt);
  env_set(env, "C", "");
  EXPECT_EQ(env_get(env, "C"), "");
  env_unset(env, "B");
  EXPECT_EQ(env, (std::vector<std::string>{"A=x=y", "C="}));
  EXPECT_FALSE(current_environment().empty());
}

TEST(Spawn, StdinIsDevNullAndOnlyStdioInherited) {
  // A descriptor without O_CLOEXEC in the parent must not leak... ours all have it; a
  // deliberately inheritable one would. Here: only 0-2 (+ ls's own dir fd 3).
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  auto r = run_capture({.argv = {"ls", "/proc/self/fd"}});
  auto in = run_capture({.argv = {"readlink", "/proc/self/fd/0"}});
  ::close(p[0]);
  ::close(p[1]);
  ASSERT_TRUE(r.ok() && in.ok());
  EXPECT_EQ(r->out, "0\n1\n2\n3\n");
  EXPECT_EQ(in->out, "/dev/null\n");
}

TEST(Spawn, DefaultSignalDispositionsAndEmptyMask) {
  InterruptGuard guard;  // tako: SIGINT/SIGTERM handled, SIGPIPE ignored
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  ASSERT_EQ(::pthread_sigmask(SIG_BLOCK, &block, &old), 0);
  auto r = run_capture({.argv = {"cat", "/proc/self/status"}});
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ASSERT_TRUE(r.ok());
  // cat installs no handlers, so this is exactly what it inherited.
  EXPECT_NE(r->out.find("\nSigBlk:\t0000000000000000\n"), std::string::npos) << r->out;
  EXPECT_NE(r->out.find("\nSigIgn:\t0000000000000000\n"), std::string::npos) << r->out;
  EXPECT_NE(r->out.find("\nSigCgt:\t0000000000000000\n"), std::string::npos) << r->out;
}

TEST(Spawn, OwnProcessGroupByDefault) {
  auto c = spawn({.argv = {"sleep", "60"}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(::getpgid(c->pid()), c->pid());
  EXPECT_EQ(c->pgid(), c->pid());
  auto same = spawn({.argv = {"sleep", "60"}, .new_process_group = false});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(::getpgid(same->pid()), ::getpgrp());
  EXPECT_EQ(same->pgid(), 0);
}

TEST(Spawn, WaitForTimesOutThenSucceeds) {
  auto c = spawn({.argv = {"sleep", "60"}});
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(c->wait_for(20ms).has_value());
  EXPECT_FALSE(c->try_wait().has_value());
  EXPECT_TRUE(c->signal_group(SIGTERM));
  auto st = c->wait_for(10s);
  ASSERT_TRUE(st.has_value());
  EXPECT_EQ(st->describe(), "signal: terminated");
  EXPECT_TRUE(c->reaped());
  EXPECT_FALSE(c->signal_group(SIGTERM));  // never signal a recycled id
}

TEST(Spawn, DestructorKillsAndReaps) {
  pid_t pid;
  {
    auto c = spawn({.argv = {"sleep", "60"}});
    ASSERT_TRUE(c.ok());
    pid = c->pid();
    ASSERT_EQ(::kill(pid, 0), 0);
  }
  // Reaped by us: not even a zombie is left.
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(errno, ESRCH);
}

TEST(Spawn, DestructorKillsGrandchildren) {
  pid_t grandchild = 0;
  {
    auto c = spawn({.argv = sh_command("sleep 60 & echo $!; wait"), .stdout_mode = Stdio::Pipe});
    ASSERT_TRUE(c.ok());
    // Read the grandchild's pid (blocking read with a poll deadline).
    std::string line;
    auto deadline = in(10s);
    char ch;
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      ssize_t n = ::read(c->stdout_fd(), &ch, 1);
      if (n == 1) line += ch;
      else if (n == 0) break;
      else std::this_thread::sleep_for(1ms);
    }
    grandchild = std::stoi(line);
    ASSERT_GT(grandchild, 0);
    ASSERT_FALSE(dead(grandchild));
  }
  EXPECT_TRUE(eventually([&] { return dead(grandchild); }));
}

TEST(Spawn, PeekKeepsZombieUntilReaped) {
  auto c = spawn({.argv = {"true"}});
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(eventually([&] { return c->peek().has_value(); }));
  EXPECT_EQ(proc_state(c->pid()), 'Z');
  EXPECT_FALSE(c->reaped());
  EXPECT_TRUE(c->signal_group(0));  // the zombie still reserves the group id
  auto st = c->try_wait();
  ASSERT_TRUE(st.has_value());
  EXPECT_TRUE(st->success());
  EXPECT_EQ(proc_state(c->pid()), 0);
}

TEST(Spawn, MoveAssignmentReapsPrevious) {
  auto a = spawn({.argv = {"sleep", "60"}});
  auto b = spawn({.argv = {"true"}});
  ASSERT_TRUE(a.ok() && b.ok());
  pid_t old = a->pid();
  Child c = std::move(*a);
  c = std::move(*b);
  EXPECT_EQ(::kill(old, 0), -1);
  EXPECT_TRUE(c.wait().success());
}

TEST(Spawn, NoFdLeaks) {
  int before = open_fd_count();
  for (int i = 0; i < 20; ++i) {
    auto c = spawn({.argv = {"true"}, .stdout_mode = Stdio::Pipe, .stderr_mode = Stdio::Pipe});
    ASSERT_TRUE(c.ok());
    c->wait();
  }
  for (int i = 0; i < 5; ++i) {
    auto r = run_capture({.argv = sh_command("echo hi; echo ho >&2")});
    ASSERT_TRUE(r.ok());
  }
  EXPECT_EQ(open_fd_count(), before);
}

}  // namespace
}  // namespace tako::proc
