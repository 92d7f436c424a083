// Spawn+wait cost (REFERENCE.md §6: `tako run` starts one `bash -c` per repository).
//   bench_proc --benchmark_min_time=2s
#include <benchmark/benchmark.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "tako/proc/supervisor.h"

namespace {

using namespace tako::proc;

// Baseline: plain fork + execvp + waitpid.
void BM_ForkExecTrue(benchmark::State& state) {
  for (auto _ : state) {
    pid_t pid = ::fork();
    if (pid == 0) {
      char* argv[] = {const_cast<char*>("true"), nullptr};
      ::execvp("true", argv);
      ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
  }
}
BENCHMARK(BM_ForkExecTrue)->Unit(benchmark::kMicrosecond);

void BM_SpawnWaitTrue(benchmark::State& state) {
  for (auto _ : state) {
    auto c = spawn({.argv = {"true"}});
    if (!c.ok()) state.SkipWithError(c.error().message.c_str());
    benchmark::DoNotOptimize(c->wait());
  }
}
BENCHMARK(BM_SpawnWaitTrue)->Unit(benchmark::kMicrosecond);

void BM_SpawnWaitBashTrue(benchmark::State& state) {
  for (auto _ : state) {
    auto c = spawn({.argv = bash_command("true")});
    if (!c.ok()) state.SkipWithError(c.error().message.c_str());
    benchmark::DoNotOptimize(c->wait());
  }
}
BENCHMARK(BM_SpawnWaitBashTrue)->Unit(benchmark::kMicrosecond);

// What `tako run -j N` does per repository: bash -c with both streams piped and line-split.
void BM_SupervisorBashEcho(benchmark::State& state) {
  Supervisor sup;
  std::size_t lines = 0;
  for (auto _ : state) {
    ChildSpec spec;
    spec.spawn.argv = bash_command("echo hello");
    spec.spawn.stdout_mode = Stdio::Pipe;
    spec.spawn.stderr_mode = Stdio::Pipe;
    spec.on_line = [&](Stream, std::string_view, bool) { ++lines; };
    if (!sup.spawn(std::move(spec)).ok()) state.SkipWithError("spawn failed");
    sup.wait_all();
  }
  benchmark::DoNotOptimize(lines);
}
BENCHMARK(BM_SupervisorBashEcho)->Unit(benchmark::kMicrosecond);

// Baseline for `tako exec` steps: fork + exec of `sh -c true` + waitpid, as a shell loop does.
void BM_ForkExecShTrue(benchmark::State& state) {
  for (auto _ : state) {
    pid_t pid = ::fork();
    if (pid == 0) {
      char* argv[] = {const_cast<char*>("sh"), const_cast<char*>("-c"), const_cast<char*>("true"), nullptr};
      ::execvp("sh", argv);
      ::_exit(127);
    }
    int st = 0;
    ::waitpid(pid, &st, 0);
  }
}
BENCHMARK(BM_ForkExecShTrue)->Unit(benchmark::kMicrosecond);

// What `tako exec` does per shell step: `sh -c` in its own process group, stdin from /dev/null,
// both streams piped and line-split, waited through the supervisor.
void BM_SupervisorShTrueStep(benchmark::State& state) {
  Supervisor sup;
  for (auto _ : state) {
    ChildSpec spec;
    spec.spawn.argv = sh_command("true");
    spec.spawn.stdout_mode = Stdio::Pipe;
    spec.spawn.stderr_mode = Stdio::Pipe;
    spec.capture_stdout = true;
    spec.capture_stderr = true;
    spec.on_line = [](Stream, std::string_view, bool) {};
    auto id = sup.spawn(std::move(spec));
    if (!id.ok()) state.SkipWithError("spawn failed");
    sup.wait(*id);
  }
}
BENCHMARK(BM_SupervisorShTrueStep)->Unit(benchmark::kMicrosecond);

// 1,000 `bash -c true` with N running at once.
void BM_Supervisor1000BashTrue(benchmark::State& state) {
  const int parallel = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Supervisor sup;
    int started = 0;
    std::function<void()> start_one = [&] {
      ChildSpec spec;
      spec.spawn.argv = bash_command("true");
      spec.on_exit = [&](ExitInfo&) {
        if (started < 1000) start_one();
      };
      ++started;
      if (!sup.spawn(std::move(spec)).ok()) std::abort();
    };
    for (int i = 0; i < parallel; ++i) start_one();
    sup.wait_all();
  }
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_Supervisor1000BashTrue)->Arg(1)->Arg(2)->Arg(8)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
