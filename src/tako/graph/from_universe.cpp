#include "tako/graph/graph.h"
#include "tako/repo/spec.h"
#include "tako/repo/universe.h"
#include "tako/util/strings.h"

namespace tako::graph {

Graph from_universe(const repo::Universe& universe) {
  Graph g;
  const auto& members = universe.members();
  for (const auto& m : members) g.add_node(Node{m.identity, m.path, m.ref, m.source, ""});
  for (size_t u = 0; u < members.size(); ++u) {
    const auto& cfg = *members[u].config;
    // U's dependents: U -> D.
    for (size_t i = 0; i < cfg.dependents.size() && i < members[u].dependents.size(); ++i) {
      int d = members[u].dependents[i];
      if (d >= 0) g.add_edge(int(u), d, "dependents", cfg.dependents[i].artifacts);
    }
    // U's subscriptions to another repository S: S -> U.
    for (const auto& sub : cfg.subscriptions) {
      int s = universe.find(sub.source_repo);
      if (s >= 0) g.add_edge(s, int(u), "subscription", {sub.artifact_name});
    }
  }
  return g;
}

}  // namespace tako::graph
