// Writing the state of a 1,000-run execution tree (budget: <= 20 ms per write,
// fsyncs included), plus the CPU part alone and loading.
#include <benchmark/benchmark.h>

#include "tako/proc/supervisor.h"
#include "tako/state/ids.h"
#include "tako/state/store.h"
#include "tako/util/fs.h"

using namespace tako::state;

namespace {

StepNode make_step(const std::string& id, Timestamp t) {
  StepNode s;
  s.id = id;
  s.status = StepStatus::Completed;
  s.start_time = t;
  s.end_time = t + std::chrono::milliseconds(12);
  s.duration_ms = 12;
  s.exit_code = 0;
  s.log = "logs/" + id + ".log";
  s.outputs = {{"version", "1.4.0"}, {"sha", "0123456789abcdef0123456789abcdef01234567"}};
  return s;
}

EventRecord make_event(Timestamp t) {
  EventRecord e;
  e.id = new_event_id();
  e.type = "library_built";
  e.namespaced_type = "my-org/go-lib/library_built";
  e.schema_version = "1.4.0";
  e.source = "my-org/go-lib";
  e.artifact = "go-lib";
  e.payload = {{"version", "1.4.0"}, {"commit", "0123456789abcdef"}};
  e.timestamp = t;
  return e;
}

RunNode make_run(int i, int depth, Timestamp t) {
  RunNode r;
  r.run_id = new_run_id();
  r.repository = "my-org/repo-" + std::to_string(i);
  r.path = "/home/user/src/repo-" + std::to_string(i);
  r.workflow = "integration_test";
  r.status = RunStatus::Completed;
  r.depth = depth;
  r.workspace = "/home/user/.tako/workspaces/exec-20250715-120000-1a2b3c4d/children/" + r.run_id;
  r.inputs = {{"lib_version", "1.4.0"}, {"dry", false}, {"count", 3}};
  r.start_time = t;
  r.end_time = t + std::chrono::milliseconds(40);
  r.duration_ms = 40;
  if (depth > 0) r.event = make_event(t);
  r.steps = {make_step("checkout", t), make_step("build", t), make_step("test", t)};
  return r;
}

// A root with 999 descendants: 9 children of the root, each with 110/111 grandchildren.
StateDocument tree_of_1000_runs() {
  Timestamp t = now();
  StateDocument d;
  d.root = make_run(0, 0, t);
  d.root.run_id = "exec-20250715-120000-1a2b3c4d";
  d.root.cli_inputs = {{"version", "1.4.0"}};
  int n = 1;
  for (int c = 0; c < 9; ++c) {
    d.root.children.push_back(make_run(n++, 1, t));
  }
  for (auto& child : d.root.children) {
    while (n < 1000 && child.children.size() < 111) child.children.push_back(make_run(n++, 2, t));
  }
  return d;
}

void BM_WriteState1000Runs(benchmark::State& state) {
  tako::util::TempDir tmp("tako-bench");
  StateDocument doc = tree_of_1000_runs();
  StateStore store({tmp.path() + "/state"}, doc);
  for (auto _ : state) {
    auto st = store.write_now();
    if (!st.ok()) state.SkipWithError(st.error().message.c_str());
  }
  auto loaded = read_state_file(store.path());
  state.counters["runs"] = static_cast<double>(count_runs(loaded->doc.root));
  state.counters["file_bytes"] = static_cast<double>(serialize_with_checksum(loaded->json).size());
}
BENCHMARK(BM_WriteState1000Runs)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The engine's case: between two writes one run changes (a step starts or ends); every
// other run's serialised text is reused (state::FragmentCache), the changed one and its
// ancestors are serialised again, and the whole text is hashed and written.
void BM_WriteState1000RunsOneChange(benchmark::State& state) {
  tako::util::TempDir tmp("tako-bench");
  StateStore store({tmp.path() + "/state"}, tree_of_1000_runs());
  std::uint64_t i = 0;
  for (auto _ : state) {
    {
      auto l = store.lock();
      // A different run each time, deep in the tree: the first child's last descendant chain.
      RunNode* n = &l->root;
      for (std::uint64_t d = 0; !n->children.empty(); ++d) {
        auto it = n->children.begin();
        std::advance(it, static_cast<long>((i + d) % n->children.size()));
        n = &*it;
      }
      n->error = "change " + std::to_string(i++);
    }
    auto st = store.write_now();
    if (!st.ok()) state.SkipWithError(st.error().message.c_str());
  }
}
BENCHMARK(BM_WriteState1000RunsOneChange)->Unit(benchmark::kMillisecond)->MinTime(3.0);

// The floor of one workflow step under REFERENCE.md §11.2/§11.3, without any of tako's own work: the
// §11.2 write of a ~50 KB document (its `running` status) followed by `sh -c true` run to its
// end through the supervisor. Compared with BM_SupervisorShTrueStep (bench/proc: the step's
// process alone) it shows what the durable write adds per step on this disk
// (docs/PERFORMANCE.md).
void BM_StepFloorWriteThenShTrue(benchmark::State& state) {
  tako::util::TempDir tmp("tako-bench");
  const std::string dir = tmp.path() + "/state";
  const std::string content(50 * 1024, 'x');
  tako::proc::Supervisor sup;
  for (auto _ : state) {
    auto st = write_state_file(dir, "exec-20260101-000000-00000000", content);
    if (!st.ok()) state.SkipWithError(st.error().message.c_str());
    tako::proc::ChildSpec spec;
    spec.spawn.argv = tako::proc::sh_command("true");
    spec.spawn.stdout_mode = tako::proc::Stdio::Pipe;
    spec.spawn.stderr_mode = tako::proc::Stdio::Pipe;
    spec.capture_stdout = true;
    spec.capture_stderr = true;
    auto id = sup.spawn(std::move(spec));
    if (!id.ok()) state.SkipWithError("spawn failed");
    sup.wait(*id);
  }
}
BENCHMARK(BM_StepFloorWriteThenShTrue)->Unit(benchmark::kMicrosecond)->MinTime(2.0);

// The nlohmann path (to_json + two dumps), for comparison.
void BM_SerializeOnly1000Runs(benchmark::State& state) {
  StateDocument doc = tree_of_1000_runs();
  for (auto _ : state) {
    std::string text = serialize_with_checksum(to_json(doc));
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_SerializeOnly1000Runs)->Unit(benchmark::kMillisecond);

// What a write costs in CPU (the direct serialiser + checksum), without file I/O.
void BM_SerializeFast1000Runs(benchmark::State& state) {
  StateDocument doc = tree_of_1000_runs();
  for (auto _ : state) {
    SerializedState s = serialize_document_parts(doc);
    benchmark::DoNotOptimize(s);
  }
}
BENCHMARK(BM_SerializeFast1000Runs)->Unit(benchmark::kMillisecond);

// The file-system part alone: tmp write + fsync, two renames, directory fsync.
void BM_WriteFileOnly1000Runs(benchmark::State& state) {
  tako::util::TempDir tmp("tako-bench");
  std::string content = serialize_document(tree_of_1000_runs());
  for (auto _ : state) {
    auto st = write_state_file(tmp.path(), "exec-20250715-120000-1a2b3c4d", content);
    if (!st.ok()) state.SkipWithError(st.error().message.c_str());
  }
}
BENCHMARK(BM_WriteFileOnly1000Runs)->Unit(benchmark::kMillisecond)->MinTime(3.0);

void BM_Load1000Runs(benchmark::State& state) {
  tako::util::TempDir tmp("tako-bench");
  StateStore store({tmp.path() + "/state"}, tree_of_1000_runs());
  (void)store.write_now();
  for (auto _ : state) {
    auto r = load_state(tmp.path() + "/state", "exec-20250715-120000-1a2b3c4d", {});
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_Load1000Runs)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
