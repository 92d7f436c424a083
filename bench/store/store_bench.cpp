// The SQLite store: the cost of one journal verb (one transaction) under both
// --state-sync modes, and the two reads of `tako status` with 10,000 runs in the
// store (goal: <= 20 ms each, the whole command included).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>

#include "tako/store/journal.h"
#include "tako/store/query.h"
#include "tako/util/fs.h"

using namespace tako;

namespace {

state::RunNode root(const std::string& id, int64_t start_ns) {
  state::RunNode r;
  r.run_id = id;
  r.repository = "my-org/go-lib";
  r.path = "/src/go-lib";
  r.workflow = "release";
  r.status = state::RunStatus::Running;
  r.workspace = "/home/.tako/workspaces/" + id;
  r.inputs = {{"version", "1.4.0"}};
  r.cli_inputs = {{"version", "1.4.0"}};
  r.start_time = state::Timestamp(std::chrono::nanoseconds(start_ns));
  return r;
}

state::StepNode step(const std::string& id) {
  state::StepNode s;
  s.id = id;
  s.status = state::StepStatus::Running;
  s.start_time = state::now();
  s.log = "logs/" + id + ".log";
  return s;
}

std::string run_id(int i) {
  char id[64];
  std::snprintf(id, sizeof id, "exec-20250715-120000-%08x", i);
  return id;
}

// One step's two commits (running, then completed with outputs) per iteration.
void BM_StepCommits(benchmark::State& st) {
  util::TempDir dir("tako-bench-store");
  store::JournalOptions o;
  o.sync = st.range(0) == 0 ? store::SyncMode::Normal : store::SyncMode::Full;
  auto j = store::Journal::open(dir.path() + "/tako.db", o);
  if (!j) {
    st.SkipWithError(j.error().message.c_str());
    return;
  }
  (void)(*j)->run_created(root("exec-bench", 0));
  int i = 0;
  for (auto _ : st) {
    const std::string id = "s" + std::to_string(i++);
    (void)(*j)->step_started("exec-bench", step(id));
    store::StepEnd end;
    end.end_time = state::now();
    end.exit_code = 0;
    end.outputs = {{"version", "1.4.0"}};
    (void)(*j)->step_finished("exec-bench", id, end);
  }
  st.SetItemsProcessed(st.iterations() * 2);
}
BENCHMARK(BM_StepCommits)->Arg(0)->Arg(1)->ArgNames({"full"})->Unit(benchmark::kMicrosecond);

// A store with 10,000 root runs of one step each, built once.
struct TenThousand {
  util::TempDir dir{"tako-bench-store"};
  std::unique_ptr<store::Journal> journal;
  TenThousand() {
    auto j = store::Journal::open(dir.path() + "/tako.db");
    if (!j) return;
    journal = std::move(*j);
    (void)journal->db().exec("BEGIN");
    for (int i = 0; i < 10000; ++i) {
      (void)journal->run_created(root(run_id(i), int64_t{i} * 1000000));
      (void)journal->step_started(run_id(i), step("build"));
    }
    (void)journal->db().exec("COMMIT");
  }
};

TenThousand& store10k() {
  static TenThousand s;
  return s;
}

void BM_List20Of10000(benchmark::State& st) {
  store::Db& db = store10k().journal->db();
  for (auto _ : st) {
    auto r = store::list_runs(db, 20);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_List20Of10000)->Unit(benchmark::kMicrosecond);

void BM_LoadTreeOf10000(benchmark::State& st) {
  store::Db& db = store10k().journal->db();
  const std::string id = run_id(4660);
  for (auto _ : st) {
    auto r = store::load_tree(db, id);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LoadTreeOf10000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
