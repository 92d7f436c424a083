#include "tako/proc/interrupt.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "tako/proc/supervisor.h"
#include "test_util.h"

namespace tako::proc {
namespace {

using namespace testing;

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, 0) == 1;
}

TEST(InterruptGuard, RecordsFirstSignalAndStaysReadable) {
  InterruptGuard guard;
  EXPECT_EQ(InterruptGuard::active(), &guard);
  EXPECT_FALSE(guard.interrupted());
  EXPECT_EQ(guard.exit_code(), 0);
  EXPECT_FALSE(readable(guard.fd()));
  ASSERT_EQ(::raise(SIGTERM), 0);
  EXPECT_TRUE(guard.interrupted());
  EXPECT_EQ(guard.signal(), SIGTERM);
  EXPECT_EQ(guard.exit_code(), 143);
  ASSERT_EQ(::raise(SIGINT), 0);
  EXPECT_EQ(guard.signal(), SIGTERM);  // the first one decides
  EXPECT_EQ(guard.count(), 2);
  EXPECT_TRUE(readable(guard.fd()));
  EXPECT_TRUE(readable(guard.fd()));  // nothing consumed
}

TEST(InterruptGuard, SleepUnlessInterruptedWakesOnTheSignal) {
  InterruptGuard guard;
  EXPECT_FALSE(guard.sleep_unless_interrupted(std::chrono::milliseconds(1)));
  // A signal from another thread (before or during the sleep of a minute): the sleep ends with it.
  std::thread t([] { ::kill(::getpid(), SIGINT); });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(guard.sleep_unless_interrupted(std::chrono::minutes(1)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  t.join();
  EXPECT_EQ(guard.exit_code(), 130);
}

TEST(InterruptGuard, SigintExitCodeAndRestoresDispositions) {
  struct sigaction before {};
  ::sigaction(SIGINT, nullptr, &before);
  {
    InterruptGuard guard;
    struct sigaction pipe_act {};
    ::sigaction(SIGPIPE, nullptr, &pipe_act);
    EXPECT_EQ(pipe_act.sa_handler, SIG_IGN);
    ::raise(SIGINT);
    EXPECT_EQ(guard.exit_code(), 130);
  }
  struct sigaction after {};
  ::sigaction(SIGINT, nullptr, &after);
  EXPECT_EQ(after.sa_handler, before.sa_handler);
  struct sigaction pipe_after {};
  ::sigaction(SIGPIPE, nullptr, &pipe_after);
  EXPECT_EQ(pipe_after.sa_handler, SIG_DFL);
  EXPECT_EQ(InterruptGuard::active(), nullptr);
}

TEST(InterruptGuard, OnlyOneAtATime) {
  InterruptGuard guard;
  EXPECT_THROW(InterruptGuard second, std::logic_error);
  EXPECT_EQ(InterruptGuard::active(), &guard);
}

ChildSpec trapping_child(std::function<void()> on_ready, std::optional<ExitInfo>& exit) {
  ChildSpec spec;
  spec.spawn.argv = sh_command("trap '' TERM; echo ready; while :; do sleep 1; done");
  spec.spawn.stdout_mode = Stdio::Pipe;
  spec.kill_grace = 300ms;
  spec.on_line = [on_ready](Stream, std::string_view, bool) { on_ready(); };
  spec.on_exit = [&exit](ExitInfo& info) { exit = info; };
  return spec;
}

TEST(InterruptGuard, SupervisorTerminatesChildrenOnSigint) {
  InterruptGuard guard;
  Supervisor sup;
  std::optional<ExitInfo> plain, trapping;
  ChildSpec spec;
  spec.spawn.argv = {"sleep", "60"};
  spec.on_exit = [&](ExitInfo& info) { plain = info; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  // Ctrl-C arrives once the TERM-trapping child is ready.
  ASSERT_TRUE(sup.spawn(trapping_child([] { ::raise(SIGINT); }, trapping)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(sup.interrupted(), SIGINT);
  ASSERT_TRUE(plain && trapping);
  EXPECT_EQ(plain->status.describe(), "signal: terminated");
  EXPECT_TRUE(plain->terminated);
  EXPECT_EQ(trapping->status.describe(), "signal: killed");  // SIGKILL after the grace period
  EXPECT_GE(trapping->elapsed, 300ms);
  EXPECT_EQ(guard.exit_code(), 130);
}

TEST(InterruptGuard, SigtermFromAnotherThreadWakesTheLoop) {
  InterruptGuard guard;
  Supervisor sup;
  std::atomic<bool> ready{false};
  std::optional<ExitInfo> exit;
  ASSERT_TRUE(sup.spawn(trapping_child([&] { ready = true; }, exit)).ok());
  std::thread t([&] {
    if (eventually([&] { return ready.load(); })) ::kill(::getpid(), SIGTERM);
  });
  bool done = sup.wait_all(in(10s));
  t.join();
  ASSERT_TRUE(done);
  EXPECT_EQ(sup.interrupted(), SIGTERM);
  EXPECT_EQ(guard.exit_code(), 143);
  EXPECT_EQ(exit->status.describe(), "signal: killed");
}

TEST(InterruptGuard, InterruptBeforeSupervisorAndCustomHandler) {
  InterruptGuard guard;
  ::raise(SIGINT);
  Supervisor sup;
  int calls = 0;
  sup.set_interrupt_handler([&](int sig) {
    ++calls;
    EXPECT_EQ(sig, SIGINT);
    sup.kill_all();
  });
  std::optional<ExitInfo> exit;
  ChildSpec spec;
  spec.spawn.argv = {"sleep", "60"};
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(exit->status.describe(), "signal: killed");
  // A later child is not affected: the interrupt was handled once.
  auto r = sup.spawn({.spawn = {.argv = {"true"}}});
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace tako::proc
