// CEL engine benchmarks (results in docs/CEL.md, "Performance").
#include <benchmark/benchmark.h>

#include "tako/cel/cel.h"

namespace {

using tako::cel::Activation;
using tako::cel::compile;
using tako::cel::Env;

nlohmann::json event_json() {
  return nlohmann::json::parse(R"({
    "id": "evt-7f3a9c21", "type": "release_published", "namespaced_type": "acme/api:release_published",
    "schema_version": "1.2.0", "source": "acme/api", "artifact": "acme/api:api",
    "timestamp": "2024-07-26T14:30:22Z",
    "payload": {"env": "prod", "version": "2.4.1", "commit": "4f9c2d1e8b7a",
                "services": ["api", "worker", "web", "scheduler"],
                "labels": {"team": "platform", "tier": "1"}}})");
}

Env event_env() {
  Env env;
  env.declare("event").declare("payload").declare("event_type").declare("source").declare("schema_version")
      .declare("artifact");
  return env;
}

Activation event_activation() {
  auto j = event_json();
  Activation act;
  act.set_json("event", j);
  act.set_json("payload", j["payload"]);
  act.set_json("event_type", j["type"]);
  act.set_json("source", j["source"]);
  act.set_json("schema_version", j["schema_version"]);
  act.set_json("artifact", j["artifact"]);
  return act;
}

void run_eval(benchmark::State& state, const char* expr) {
  auto prog = compile(expr, event_env());
  if (!prog) {
    state.SkipWithError(prog.error().message.c_str());
    return;
  }
  Activation act = event_activation();
  for (auto _ : state) {
    auto r = prog->eval_bool(act);
    benchmark::DoNotOptimize(r);
  }
}

void BM_EvalEnvAndVersion(benchmark::State& s) {
  run_eval(s, R"(event.payload.env == "prod" && event.payload.version.startsWith("2."))");
}
void BM_EvalInList(benchmark::State& s) { run_eval(s, R"("web" in event.payload.services)"); }
void BM_EvalExists(benchmark::State& s) { run_eval(s, R"(event.payload.services.exists(s, s == "web"))"); }
void BM_EvalSemverSatisfies(benchmark::State& s) {
  run_eval(s, R"(semver.satisfies(event.schema_version, ">=1.0.0 <2.0.0"))");
}

void BM_Compile(benchmark::State& state) {
  Env env = event_env();
  for (auto _ : state) {
    auto p = compile(R"(event.payload.env == "prod" && event.payload.version.startsWith("2."))", env);
    benchmark::DoNotOptimize(p);
  }
}

void BM_ActivationFromJson(benchmark::State& state) {
  auto j = event_json();
  for (auto _ : state) {
    Activation act;
    act.set_json("event", j);
    benchmark::DoNotOptimize(act);
  }
}

BENCHMARK(BM_EvalEnvAndVersion);
BENCHMARK(BM_EvalInList);
BENCHMARK(BM_EvalExists);
BENCHMARK(BM_EvalSemverSatisfies);
BENCHMARK(BM_Compile);
BENCHMARK(BM_ActivationFromJson);

}  // namespace

BENCHMARK_MAIN();
