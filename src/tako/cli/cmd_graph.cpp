#include <cstdio>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/graph/graph.h"

namespace tako::cli {

int cmd_graph(const Invocation& inv) {
  std::string format = "tree";
  if (inv.flag("dot")) format = "dot";
  if (auto f = inv.value("format")) format = *f;
  if (inv.global.json) format = "json";
  if (format != "tree" && format != "dot" && format != "json" && format != "mermaid") {
    return report_usage_error("invalid argument \"" + format +
                                  "\" for \"--format\" flag: must be one of tree, dot, json, mermaid",
                              "graph");
  }
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  repo::Resolver resolver(*settings);
  auto universe = universe_for(inv, resolver, /*strict=*/true);
  if (!universe) return report_error(universe.error().message);
  graph::Graph g = graph::reachable_from(graph::from_universe(*universe), 0);
  if (auto cycles = graph::check_cycles(g, 0); !cycles) return report_error(cycles.error().message);
  std::string out;
  if (format == "tree") out = graph::format_tree(g, 0);
  else if (format == "dot") out = graph::format_dot(g, 0);
  else if (format == "json") out = graph::format_json(g, 0);
  else out = graph::format_mermaid(g);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace tako::cli
