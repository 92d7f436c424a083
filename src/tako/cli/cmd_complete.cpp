// `tako __complete workflows|runs|repos` (hidden; docs/CLI.md "Completion"): the dynamic values the
// completion scripts offer, one per line. Never touches the network: repositories are resolved as
// with --local (sibling directories and the cache).
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/graph/graph.h"
#include "tako/proc/supervisor.h"
#include "tako/repo/spec.h"
#include "tako/util/strings.h"

namespace tako::cli {

namespace {

void print_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
}

std::string self_path() {
  std::string buf(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return "tako";
  buf.resize(size_t(n));
  return buf;
}

int complete_workflows(const Invocation& inv, const repo::Settings& settings) {
  std::string dir;
  if (inv.global.repo) {
    auto spec = repo::parse_spec(*inv.global.repo);
    if (!spec) return report_error(spec.error().message);
    repo::Resolver resolver(settings);
    auto resolved = resolver.resolve(*spec, /*from_dependents=*/false, "");
    if (!resolved) return report_error(resolved.error().message);
    dir = resolved->path;
  } else {
    auto d = repo::entry_directory(inv.global.root);
    if (!d) return report_error(d.error().message);
    dir = *d;
  }
  auto cfg = repo::load_repo_config(dir);
  if (!cfg) return report_error(cfg.error().message);
  std::vector<std::string> names;
  for (const auto& w : (*cfg)->workflows) names.push_back(w.name);
  std::sort(names.begin(), names.end());
  print_lines(names);
  return 0;
}

int complete_repos(const Invocation& inv, const repo::Settings& settings) {
  repo::Resolver resolver(settings);
  auto universe = universe_for(inv, resolver, /*strict=*/false);
  if (!universe) return report_error(universe.error().message);
  graph::Graph g = graph::reachable_from(graph::from_universe(*universe), 0);
  std::vector<std::string> names;
  for (const auto& n : g.nodes()) names.push_back(n.name);
  std::sort(names.begin(), names.end(),
            [](const std::string& a, const std::string& b) { return util::to_lower(a) < util::to_lower(b); });
  print_lines(names);
  return 0;
}

// Through `tako status --all --json` (REFERENCE.md §1.7), newest first: the list's public form,
// whatever the state store behind it.
int complete_runs() {
  proc::SpawnOptions spawn;
  spawn.argv = {self_path(), "status", "--all", "--json"};
  spawn.stdout_mode = proc::Stdio::Pipe;
  spawn.stderr_mode = proc::Stdio::Pipe;
  auto done = proc::run_capture(spawn, std::chrono::seconds(30));
  if (!done) return report_error(done.error().message);
  if (!done->status.success()) {
    std::string why(util::trim(done->err));
    if (why.rfind("Error: ", 0) == 0) why = why.substr(7);
    return report_error("tako status failed: " + why);
  }
  nlohmann::json rows = nlohmann::json::parse(done->out, nullptr, /*allow_exceptions=*/false);
  if (!rows.is_array()) return report_error("tako status --json printed no list");
  std::vector<std::string> ids;
  for (const auto& row : rows) {
    if (row.is_object() && row.contains("run_id") && row["run_id"].is_string()) ids.push_back(row["run_id"]);
  }
  print_lines(ids);
  return 0;
}

}  // namespace

int cmd_complete(const Invocation& inv) {
  const std::string& kind = inv.args[0];
  if (kind != "workflows" && kind != "runs" && kind != "repos") {
    return report_usage_error("invalid argument \"" + kind + "\" for \"tako __complete\"", "__complete");
  }
  if (kind == "runs") return complete_runs();
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  settings->local = true;  // completion never clones or fetches
  if (kind == "workflows") return complete_workflows(inv, *settings);
  return complete_repos(inv, *settings);
}

}  // namespace tako::cli
