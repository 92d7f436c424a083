// Template engine benchmarks (results in docs/TEMPLATES.md, "Performance").
// The same templates and data are used by the Go 1.19 reference numbers.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include "tako/tmpl/template.h"

namespace {

using nlohmann::json;

const char* kThreeFields = "{{.name}} {{.version}} {{.repo}}";
const char* kRangeIf =
    "{{range $i, $e := .items}}{{if eq $e.kind \"lib\"}}{{printf \"%d:%s@%s;\" $i $e.name $e.version}}{{end}}{{end}}";
const char* kMixed =
    "{{/* release notes */}}Release {{.name}} {{.version}}\n"
    "{{range .items}}{{if and (eq .kind \"lib\") (gt .n 1)}}- {{.name | printf \"%-10s\"}} {{.version}}\n"
    "{{else if eq .kind \"app\"}}* {{.name}}{{else}}{{.n}}{{end}}{{end}}"
    "{{with .meta}}{{.owner}}/{{index .tags 0}}{{end}} {{len .items}} {{if not .draft}}final{{end}}";

json data() {
  json items = json::array();
  const char* kinds[] = {"lib", "app", "lib", "tool", "lib", "app", "lib", "lib"};
  for (int i = 0; i < 8; ++i)
    items.push_back({{"name", "pkg" + std::to_string(i)}, {"version", "1." + std::to_string(i) + ".0"},
                     {"kind", kinds[i]}, {"n", i}});
  return {{"name", "tako"}, {"version", "v1.2.3"}, {"repo", "org/tako"}, {"items", items},
          {"meta", {{"owner", "org"}, {"tags", {"stable", "x"}}}}, {"draft", false}};
}

void run_parsed(benchmark::State& st, const char* text) {
  auto t = tako::tmpl::parse(text);
  json d = data();
  std::string out;
  tako::tmpl::ExecOptions o;
  for (auto _ : st) {
    out.clear();
    auto s = tako::tmpl::execute_to(out, **t, d, o);
    benchmark::DoNotOptimize(out.data());
  }
}

void BM_ExecuteThreeFields(benchmark::State& st) { run_parsed(st, kThreeFields); }
void BM_ExecuteRangeIfPrintfEq(benchmark::State& st) { run_parsed(st, kRangeIf); }
void BM_ExecuteMixed(benchmark::State& st) { run_parsed(st, kMixed); }

void BM_ParseExecute(benchmark::State& st, const char* text) {
  json d = data();
  for (auto _ : st) {
    auto t = tako::tmpl::parse(text);
    auto r = tako::tmpl::execute(**t, d);
    benchmark::DoNotOptimize(r.ok());
  }
}

void BM_CachedRender(benchmark::State& st) {
  json d = data();
  for (auto _ : st) {
    auto r = tako::tmpl::render(kRangeIf, d);
    benchmark::DoNotOptimize(r.ok());
  }
}

}  // namespace

BENCHMARK(BM_ExecuteThreeFields);
BENCHMARK(BM_ExecuteRangeIfPrintfEq);
BENCHMARK(BM_ExecuteMixed);
BENCHMARK_CAPTURE(BM_ParseExecute, three_fields, kThreeFields);
BENCHMARK_CAPTURE(BM_ParseExecute, range_if, kRangeIf);
BENCHMARK_CAPTURE(BM_ParseExecute, mixed, kMixed);
BENCHMARK(BM_CachedRender);

BENCHMARK_MAIN();
