// The dependency graph (REFERENCE.md §5): nodes are repositories, an edge U -> D means
// D runs after U. Built from `dependents` and from downstream subscriptions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/util/result.h"

namespace tako::repo {
class Universe;
}

namespace tako::graph {

struct Node {
  std::string name;  // identity
  std::string path;
  std::optional<std::string> ref;
  std::string source;  // entry | local | dependents | cache
  std::string key;     // lowercased name: the sort key of §5.1
};

struct Edge {
  int from = 0;
  int to = 0;
  std::vector<std::string> via;        // "dependents", "subscription" (in that order)
  std::vector<std::string> artifacts;  // from dependents entries and subscription references
};

class Graph {
 public:
  int add_node(Node node);
  // Adds (or extends) the edge from -> to. Self-edges are ignored.
  void add_edge(int from, int to, const std::string& via, const std::vector<std::string>& artifacts);

  size_t size() const { return nodes_.size(); }
  const Node& node(int i) const { return nodes_[size_t(i)]; }
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  // Children sorted by key.
  const std::vector<int>& children(int i) const;
  // Case-insensitive lookup by name; -1 when absent.
  int find(const std::string& name) const;

 private:
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  mutable std::vector<std::vector<int>> children_;
  mutable bool sorted_ = true;
};

// Every member of the universe and every edge between them (§5.1).
Graph from_universe(const repo::Universe& universe);

// The subgraph reachable from `root`; the root becomes node 0.
Graph reachable_from(const Graph& g, int root);

// §5.2: "circular dependency detected: a -> b -> a" for the first cycle met by
// a depth-first search from `root` over sorted children.
Status check_cycles(const Graph& g, int root);

// §5.3: Kahn's algorithm, always taking the smallest ready name.
std::vector<int> topological_order(const Graph& g);

// §5.5: --only / --ignore. Unknown names: `repository "<X>" not found in the graph`.
Result<Graph> apply_filters(const Graph& g, const std::vector<std::string>& only,
                            const std::vector<std::string>& ignore);

// §5.4 output formats, rooted at node `root` (0 after reachable_from).
std::string format_tree(const Graph& g, int root);
std::string format_dot(const Graph& g, int root);
std::string format_json(const Graph& g, int root);
std::string format_mermaid(const Graph& g);

}  // namespace tako::graph
