#include "tako/proc/supervisor.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "test_util.h"

namespace tako::proc {
namespace {

using namespace testing;

struct Line {
  Stream stream;
  std::string text;
  bool eol;
  bool operator==(const Line&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Line& l) {
  return os << (l.stream == Stream::Stdout ? "out:" : "err:") << l.text << (l.eol ? "\\n" : "");
}

ChildSpec piped(std::vector<std::string> argv) {
  ChildSpec spec;
  spec.spawn.argv = std::move(argv);
  spec.spawn.stdout_mode = Stdio::Pipe;
  spec.spawn.stderr_mode = Stdio::Pipe;
  return spec;
}

struct Recorder {
  std::vector<Line> lines;
  std::optional<ExitInfo> exit;
  void attach(ChildSpec& spec) {
    spec.on_line = [this](Stream s, std::string_view l, bool eol) { lines.push_back({s, std::string(l), eol}); };
    spec.on_exit = [this](ExitInfo& info) { exit = std::move(info); };
  }
  std::vector<std::string> of(Stream s) const {
    std::vector<std::string> r;
    for (auto& l : lines) if (l.stream == s) r.push_back(l.text);
    return r;
  }
};

TEST(Supervisor, SeparatesStreamsAndKeepsFinalPartialLine) {
  Supervisor sup;
  Recorder rec;
  auto spec = piped(sh_command("printf 'a\\nb\\n'; printf 'e1\\n' >&2; printf 'e2' >&2; printf 'tail'; exit 4"));
  rec.attach(spec);
  auto id = sup.spawn(std::move(spec));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(sup.wait(*id, in(10s)));
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_EQ(rec.exit->status.describe(), "exit status 4");
  EXPECT_EQ(rec.of(Stream::Stdout), (std::vector<std::string>{"a", "b", "tail"}));
  EXPECT_EQ(rec.of(Stream::Stderr), (std::vector<std::string>{"e1", "e2"}));
  for (auto& l : rec.lines) EXPECT_EQ(l.eol, l.text != "tail" && l.text != "e2") << l;
  EXPECT_FALSE(rec.exit->timed_out);
  EXPECT_FALSE(rec.exit->terminated);
}

TEST(Supervisor, ArrivalOrderAcrossStreams) {
  // The child waits for us after each line (one FIFO per step, so a late close of the
  // previous one cannot satisfy the next open), so the order is defined.
  util::TempDir dir("tako-proc");
  std::vector<std::string> fifos;
  for (int i = 0; i < 3; ++i) {
    fifos.push_back(dir.path() + "/fifo" + std::to_string(i));
    ASSERT_EQ(::mkfifo(fifos.back().c_str(), 0600), 0);
  }
  Supervisor sup;
  Recorder rec;
  auto spec = piped(sh_command("echo o1; read x < " + fifos[0] + "; echo e1 >&2; read x < " + fifos[1] +
                               "; echo o2; read x < " + fifos[2] + "; echo e2 >&2"));
  rec.attach(spec);
  spec.on_line = [&](Stream s, std::string_view l, bool eol) {
    rec.lines.push_back({s, std::string(l), eol});
    if (rec.lines.size() <= fifos.size()) {
      // Succeeds once the child has opened it for reading (ENXIO before), with a deadline.
      int fd = -1;
      ASSERT_TRUE(eventually([&] {
        fd = ::open(fifos[rec.lines.size() - 1].c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        return fd >= 0;
      }));
      ASSERT_EQ(::write(fd, "\n", 1), 1);
      ::close(fd);
    }
  };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(rec.lines, (std::vector<Line>{{Stream::Stdout, "o1", true},
                                          {Stream::Stderr, "e1", true},
                                          {Stream::Stdout, "o2", true},
                                          {Stream::Stderr, "e2", true}}));
}

TEST(Supervisor, CapturesRawText) {
  Supervisor sup;
  Recorder rec;
  auto spec = piped(sh_command("printf 'x\\n\\ny'; printf 'e\\n' >&2"));
  rec.attach(spec);
  spec.capture_stdout = spec.capture_stderr = true;
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(rec.exit->stdout_text, "x\n\ny");
  EXPECT_EQ(rec.exit->stderr_text, "e\n");
  EXPECT_EQ(rec.of(Stream::Stdout), (std::vector<std::string>{"x", "", "y"}));
}

TEST(Supervisor, BigOutputOnBothStreamsDoesNotDeadlock) {
  Supervisor sup;
  std::size_t out_lines = 0, err_lines = 0, out_bytes = 0, err_bytes = 0;
  std::optional<ExitInfo> exit;
  // 8 MB on stdout and 4 MB on stderr, interleaved by two writers.
  auto spec = piped(sh_command("yes 0123456789abcdef | head -n 500000 >&2 & yes 0123456789 | head -n 800000; wait"));
  spec.on_line = [&](Stream s, std::string_view l, bool eol) {
    EXPECT_TRUE(eol);
    if (s == Stream::Stdout) {
      ++out_lines;
      out_bytes += l.size();
      EXPECT_EQ(l, "0123456789");
    } else {
      ++err_lines;
      err_bytes += l.size();
      EXPECT_EQ(l, "0123456789abcdef");
    }
  };
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(60s)));
  ASSERT_TRUE(exit.has_value());
  EXPECT_TRUE(exit->status.success()) << exit->status.describe();
  EXPECT_EQ(out_lines, 800000u);
  EXPECT_EQ(err_lines, 500000u);
  EXPECT_EQ(out_bytes, 8000000u);
  EXPECT_EQ(err_bytes, 8000000u);
}

TEST(Supervisor, VeryLongLineIsSplitAtTheLimit) {
  Supervisor sup;
  std::vector<std::pair<std::size_t, bool>> pieces;
  auto spec = piped(sh_command("head -c 5000000 /dev/zero | tr '\\0' x; echo; echo short"));
  spec.max_line_bytes = 1 << 20;
  spec.on_line = [&](Stream, std::string_view l, bool eol) { pieces.emplace_back(l.size(), eol); };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(30s)));
  ASSERT_GE(pieces.size(), 3u);
  std::size_t total = 0;
  for (std::size_t i = 0; i + 1 < pieces.size(); ++i) {
    total += pieces[i].first;
    EXPECT_LE(pieces[i].first, (1u << 20) + 65536u);
  }
  EXPECT_EQ(total, 5000000u);
  EXPECT_TRUE(pieces[pieces.size() - 2].second);  // the long line's last piece ends it
  EXPECT_EQ(pieces.back(), (std::pair<std::size_t, bool>{5, true}));
}

TEST(Supervisor, TimeoutTerminatesGroup) {
  Supervisor sup;
  Recorder rec;
  auto spec = piped(sh_command("sleep 60"));
  spec.timeout = 100ms;
  rec.attach(spec);
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_TRUE(rec.exit->timed_out);
  EXPECT_EQ(rec.exit->status.describe(), "signal: terminated");
  EXPECT_GE(rec.exit->elapsed, 100ms);
}

TEST(Supervisor, TimeoutEscalatesToKillForChildTrappingTerm) {
  Supervisor sup;
  Recorder rec;
  // The shell and its sleep ignore SIGTERM; "ready" tells us the trap is in place.
  auto spec = piped(sh_command("trap '' TERM; echo ready; while :; do sleep 1; done"));
  spec.timeout = 200ms;
  spec.kill_grace = 300ms;
  rec.attach(spec);
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_EQ(rec.of(Stream::Stdout), std::vector<std::string>{"ready"});
  EXPECT_TRUE(rec.exit->timed_out);
  EXPECT_EQ(rec.exit->status.describe(), "signal: killed");
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 5s);
}

TEST(Supervisor, TerminateReachesGrandchildren) {
  Supervisor sup;
  pid_t grandchild = 0;
  std::optional<ExitInfo> exit;
  ChildSpec spec = piped(sh_command("sleep 60 & echo $!; wait"));
  ChildId id = 0;
  spec.on_line = [&](Stream, std::string_view l, bool) {
    grandchild = std::stoi(std::string(l));
    sup.terminate(id);
  };
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  auto r = sup.spawn(std::move(spec));
  ASSERT_TRUE(r.ok());
  id = *r;
  ASSERT_TRUE(sup.wait_all(in(10s)));
  ASSERT_GT(grandchild, 0);
  EXPECT_TRUE(exit->terminated);
  EXPECT_EQ(exit->status.describe(), "signal: terminated");
  EXPECT_TRUE(eventually([&] { return dead(grandchild); }));
}

TEST(Supervisor, LeftoverBackgroundJobsAreKilledWhenLeaderExits) {
  Supervisor sup;
  pid_t bg = 0;
  std::optional<ExitInfo> exit;
  // The background sleep keeps the stdout pipe open after sh exits.
  auto spec = piped(sh_command("sleep 60 & echo $!"));
  spec.drain_timeout = 30s;
  spec.on_line = [&](Stream, std::string_view l, bool) { bg = std::stoi(std::string(l)); };
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));  // well before drain_timeout
  EXPECT_TRUE(exit->status.success());
  EXPECT_TRUE(eventually([&] { return dead(bg); }));
}

TEST(Supervisor, DrainTimeoutWhenGroupIsNotKilled) {
  Supervisor sup;
  pid_t bg = 0;
  std::optional<ExitInfo> exit;
  auto spec = piped(sh_command("sleep 60 & echo $!"));
  spec.kill_group_on_exit = false;
  spec.drain_timeout = 200ms;
  spec.on_line = [&](Stream, std::string_view l, bool) { bg = std::stoi(std::string(l)); };
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
  EXPECT_TRUE(exit->status.success());
  ASSERT_GT(bg, 0);
  EXPECT_FALSE(dead(bg));
  ::kill(bg, SIGKILL);
  EXPECT_TRUE(eventually([&] { return dead(bg); }));
}

TEST(Supervisor, ManyConcurrentChildren) {
  int fds_before = open_fd_count();
  {
    Supervisor sup;
    constexpr int kN = 200;
    std::vector<std::string> got(kN);
    int exits = 0;
    for (int i = 0; i < kN; ++i) {
      auto spec = piped({"sh", "-c", "echo $1; echo err$1 >&2; exit $(($1 % 3))", "sh", std::to_string(i)});
      spec.on_line = [&, i](Stream s, std::string_view l, bool) {
        if (s == Stream::Stdout) got[i] = std::string(l);
      };
      spec.on_exit = [&, i](ExitInfo& info) {
        ++exits;
        EXPECT_EQ(info.status.exit_code, i % 3);
      };
      ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
    }
    EXPECT_EQ(sup.active(), static_cast<std::size_t>(kN));
    ASSERT_TRUE(sup.wait_all(in(60s)));
    EXPECT_EQ(exits, kN);
    for (int i = 0; i < kN; ++i) EXPECT_EQ(got[i], std::to_string(i));
  }
  EXPECT_EQ(open_fd_count(), fds_before);
}

TEST(Supervisor, SpawnFromCallbacks) {
  Supervisor sup;
  std::vector<int> order;
  std::function<void(int)> start = [&](int n) {
    ChildSpec spec;
    spec.spawn.argv = {"true"};
    spec.on_exit = [&, n](ExitInfo&) {
      order.push_back(n);
      if (n < 9) start(n + 1);
    };
    ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  };
  start(0);
  ASSERT_TRUE(sup.wait_all(in(20s)));
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(Supervisor, WaitDeadlineAndDestructorCleanup) {
  pid_t pid;
  {
    Supervisor sup;
    ChildSpec spec;
    spec.spawn.argv = {"sleep", "60"};
    bool exited = false;
    spec.on_exit = [&](ExitInfo&) { exited = true; };
    auto id = sup.spawn(std::move(spec));
    ASSERT_TRUE(id.ok());
    pid = sup.pid(*id);
    auto start = std::chrono::steady_clock::now();
    EXPECT_FALSE(sup.wait(*id, in(50ms)));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 50ms);
    EXPECT_TRUE(sup.running(*id));
    EXPECT_FALSE(exited);
  }
  EXPECT_EQ(::kill(pid, 0), -1);  // killed and reaped by ~Supervisor
  EXPECT_EQ(errno, ESRCH);
}

TEST(Supervisor, KillAllAndSignal) {
  Supervisor sup;
  std::vector<std::string> results;
  for (int i = 0; i < 3; ++i) {
    ChildSpec spec;
    spec.spawn.argv = {"sleep", "60"};
    spec.on_exit = [&](ExitInfo& info) { results.push_back(info.status.describe()); };
    ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  }
  EXPECT_TRUE(sup.signal(1, SIGHUP));
  ASSERT_TRUE(sup.wait(1, in(10s)));
  EXPECT_FALSE(sup.signal(1, SIGHUP));
  sup.kill_all();
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(results, (std::vector<std::string>{"signal: hangup", "signal: killed", "signal: killed"}));
}

TEST(Supervisor, PostFromAnotherThread) {
  Supervisor sup;
  std::optional<ExitInfo> exit;
  ChildSpec spec;
  spec.spawn.argv = {"sleep", "60"};
  spec.on_exit = [&](ExitInfo& info) { exit = info; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  std::atomic<bool> posted{false};
  std::thread t([&] {
    sup.post([&] { sup.terminate_all(1s); });
    posted = true;
  });
  ASSERT_TRUE(sup.wait_all(in(10s)));
  t.join();
  EXPECT_TRUE(posted);
  EXPECT_TRUE(exit->terminated);
  EXPECT_EQ(exit->status.describe(), "signal: terminated");
}

TEST(Supervisor, Timers) {
  Supervisor sup;
  std::vector<int> fired;
  sup.add_timer(Clock::now() + 30ms, [&] { fired.push_back(2); });
  sup.add_timer(Clock::now() + 10ms, [&] { fired.push_back(1); });
  auto cancelled = sup.add_timer(Clock::now() + 20ms, [&] { fired.push_back(99); });
  sup.cancel_timer(cancelled);
  ASSERT_TRUE(sup.run_until([&] { return fired.size() == 2; }, in(10s)));
  EXPECT_EQ(fired, (std::vector<int>{1, 2}));
}

TEST(Supervisor, ReentryIsRejected) {
  Supervisor sup;
  bool threw = false;
  sup.post([&] {
    try {
      sup.run_once(0ms);
    } catch (const std::logic_error&) {
      threw = true;
    }
  });
  ASSERT_TRUE(sup.run_until([&] { return threw; }, in(10s)));
}

TEST(Supervisor, SpawnErrorIsReturned) {
  Supervisor sup;
  auto r = sup.spawn(piped({"tako-no-such-command-xyz"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(sup.active(), 0u);
}

TEST(Supervisor, WorksWithoutPidfd) {
  detail::set_pidfd_disabled(true);
  {
    Supervisor sup;
    Recorder rec, slow;
    auto spec = piped(sh_command("echo hi; exit 5"));
    rec.attach(spec);
    ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
    ChildSpec spec2;
    spec2.spawn.argv = {"sleep", "60"};
    spec2.timeout = 50ms;
    slow.attach(spec2);
    ASSERT_TRUE(sup.spawn(std::move(spec2)).ok());
    ASSERT_TRUE(sup.wait_all(in(10s)));
    EXPECT_EQ(rec.exit->status.describe(), "exit status 5");
    EXPECT_EQ(rec.of(Stream::Stdout), std::vector<std::string>{"hi"});
    EXPECT_EQ(slow.exit->status.describe(), "signal: terminated");
    EXPECT_TRUE(slow.exit->timed_out);
    auto c = spawn({.argv = {"sleep", "60"}});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->pidfd(), -1);
    EXPECT_FALSE(c->wait_for(20ms).has_value());
    c->signal_group(SIGKILL);
    ASSERT_TRUE(c->wait_for(10s).has_value());
  }
  detail::set_pidfd_disabled(false);
}

TEST(RunCapture, Basic) {
  auto r = run_capture({.argv = sh_command("echo out; echo err >&2; exit 2")});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->status.describe(), "exit status 2");
  auto t = run_capture({.argv = {"sleep", "60"}}, 50ms);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE(t->timed_out);
  EXPECT_EQ(t->status.describe(), "signal: terminated");
}

// on_stop: a process whose real work lives elsewhere (a container runtime's client) lets its
// owner stop the rest; it runs once, on the loop thread, whatever starts the stop.
TEST(Supervisor, OnStopRunsOnceAndMaySpawn) {
  Supervisor sup;
  Recorder rec;
  int stops = 0;
  std::optional<ExitInfo> helper_exit;
  // Ignores SIGTERM: only the helper spawned by on_stop (or the SIGKILL much later) ends it.
  auto spec = piped(sh_command("trap '' TERM; echo ready; while :; do sleep 1; done"));
  spec.kill_grace = 30s;
  rec.attach(spec);
  ChildId id = 0;
  spec.on_line = [&](Stream, std::string_view line, bool) {
    if (line == "ready") sup.terminate(id, 30s);  // the trap is in place
  };
  spec.on_stop = [&] {
    ++stops;
    sup.terminate(id, 30s);  // a second stop request: no second call
    ChildSpec kill = piped({"kill", "-KILL", std::to_string(sup.pid(id))});
    kill.on_exit = [&](ExitInfo& info) { helper_exit = info; };
    ASSERT_TRUE(sup.spawn(std::move(kill)).ok());
  };
  auto r = sup.spawn(std::move(spec));
  ASSERT_TRUE(r.ok());
  id = *r;
  ASSERT_TRUE(sup.wait_all(in(20s)));
  EXPECT_EQ(stops, 1);
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_TRUE(rec.exit->terminated);
  EXPECT_EQ(rec.exit->status.describe(), "signal: killed");
  ASSERT_TRUE(helper_exit.has_value());
  EXPECT_TRUE(helper_exit->status.success());
}

TEST(Supervisor, OnStopOnTimeout) {
  Supervisor sup;
  Recorder rec;
  int stops = 0;
  auto spec = piped(sh_command("sleep 60"));
  spec.timeout = 50ms;
  spec.on_stop = [&] { ++stops; };
  rec.attach(spec);
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(stops, 1);
  ASSERT_TRUE(rec.exit.has_value());
  EXPECT_TRUE(rec.exit->timed_out);
}

TEST(Supervisor, OnStopNotCalledForAChildThatEndsByItself) {
  Supervisor sup;
  int stops = 0;
  auto spec = piped(sh_command("exit 0"));
  spec.timeout = 30s;
  spec.on_stop = [&] { ++stops; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  ASSERT_TRUE(sup.wait_all(in(10s)));
  sup.terminate_all();
  sup.run_once(10ms);
  EXPECT_EQ(stops, 0);
}

TEST(Supervisor, OnStopOnTerminateAll) {
  Supervisor sup;
  int stops = 0;
  auto spec = piped(sh_command("sleep 60"));
  spec.on_stop = [&] { ++stops; };
  ASSERT_TRUE(sup.spawn(std::move(spec)).ok());
  sup.terminate_all(1s);
  ASSERT_TRUE(sup.wait_all(in(10s)));
  EXPECT_EQ(stops, 1);
}

}  // namespace
}  // namespace tako::proc
