// `tako list [--json]` (REFERENCE.md §1.14): the workflows of every repository `tako graph` shows.
#include <cstdio>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/cli/workflow_list.h"
#include "tako/graph/graph.h"

namespace tako::cli {

Result<std::vector<ListedRepo>> graph_repositories(const Invocation& inv, const repo::Settings& settings,
                                                   bool strict) {
  repo::Resolver resolver(settings);
  auto universe = universe_for(inv, resolver, strict);
  if (!universe) return universe.error();
  graph::Graph g = graph::reachable_from(graph::from_universe(*universe), 0);
  std::vector<ListedRepo> repos;
  for (const auto& node : g.nodes()) {
    int m = universe->find(node.name);
    if (m < 0) continue;
    const auto& member = universe->members()[size_t(m)];
    repos.push_back({member.identity, member.path, member.config});
  }
  return repos;
}

int cmd_list(const Invocation& inv) {
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  auto repos = graph_repositories(inv, *settings, /*strict=*/true);
  if (!repos) return report_error(repos.error().message);
  std::string out = inv.global.json
                        ? list_json(std::move(*repos)).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"
                        : list_text(std::move(*repos));
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace tako::cli
