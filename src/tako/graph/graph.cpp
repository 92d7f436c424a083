#include "tako/graph/graph.h"

#include <algorithm>
#include <functional>
#include <queue>

#include "tako/util/strings.h"

namespace tako::graph {

int Graph::add_node(Node node) {
  if (node.key.empty()) node.key = util::to_lower(node.name);
  nodes_.push_back(std::move(node));
  children_.emplace_back();
  return int(nodes_.size()) - 1;
}

void Graph::add_edge(int from, int to, const std::string& via, const std::vector<std::string>& artifacts) {
  if (from == to) return;
  Edge* edge = nullptr;
  for (int c : children_[size_t(from)]) {
    if (c != to) continue;
    for (auto& e : edges_) {
      if (e.from == from && e.to == to) edge = &e;
    }
  }
  if (edge == nullptr) {
    edges_.push_back(Edge{from, to, {}, {}});
    edge = &edges_.back();
    children_[size_t(from)].push_back(to);
    sorted_ = false;
  }
  if (std::find(edge->via.begin(), edge->via.end(), via) == edge->via.end()) {
    edge->via.push_back(via);
    std::sort(edge->via.begin(), edge->via.end());  // "dependents" < "subscription"
  }
  for (const auto& a : artifacts) {
    if (std::find(edge->artifacts.begin(), edge->artifacts.end(), a) == edge->artifacts.end()) {
      edge->artifacts.push_back(a);
    }
  }
}

const std::vector<int>& Graph::children(int i) const {
  if (!sorted_) {
    for (auto& c : children_) {
      std::sort(c.begin(), c.end(), [&](int a, int b) { return nodes_[size_t(a)].key < nodes_[size_t(b)].key; });
    }
    sorted_ = true;
  }
  return children_[size_t(i)];
}

int Graph::find(const std::string& name) const {
  std::string key = util::to_lower(name);
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].key == key) return int(i);
  }
  return -1;
}

Graph reachable_from(const Graph& g, int root) {
  std::vector<int> map(g.size(), -1);
  std::vector<int> order;
  std::vector<int> stack{root};
  map[size_t(root)] = 0;
  order.push_back(root);
  // Breadth-first numbering keeps the root at 0; the order of the rest does not matter.
  for (size_t i = 0; i < order.size(); ++i) {
    for (int c : g.children(order[i])) {
      if (map[size_t(c)] < 0) {
        map[size_t(c)] = int(order.size());
        order.push_back(c);
      }
    }
  }
  Graph out;
  for (int n : order) out.add_node(g.node(n));
  for (const auto& e : g.edges()) {
    if (map[size_t(e.from)] < 0 || map[size_t(e.to)] < 0) continue;
    for (const auto& v : e.via) out.add_edge(map[size_t(e.from)], map[size_t(e.to)], v, e.artifacts);
  }
  return out;
}

Status check_cycles(const Graph& g, int root) {
  enum { kWhite, kGray, kBlack };
  std::vector<int> color(g.size(), kWhite);
  std::vector<int> path;
  std::string error;
  std::function<bool(int)> visit = [&](int n) -> bool {
    color[size_t(n)] = kGray;
    path.push_back(n);
    for (int c : g.children(n)) {
      if (color[size_t(c)] == kGray) {
        auto first = std::find(path.begin(), path.end(), c);
        std::vector<std::string> names;
        for (auto it = first; it != path.end(); ++it) names.push_back(g.node(*it).name);
        names.push_back(g.node(c).name);
        error = "circular dependency detected: " + util::join(names, " -> ");
        return false;
      }
      if (color[size_t(c)] == kWhite && !visit(c)) return false;
    }
    path.pop_back();
    color[size_t(n)] = kBlack;
    return true;
  };
  if (!visit(root)) return Error{error};
  return {};
}

std::vector<int> topological_order(const Graph& g) {
  std::vector<int> indegree(g.size(), 0);
  for (const auto& e : g.edges()) ++indegree[size_t(e.to)];
  auto later = [&](int a, int b) { return g.node(a).key > g.node(b).key; };
  std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
  for (size_t i = 0; i < g.size(); ++i) {
    if (indegree[i] == 0) ready.push(int(i));
  }
  std::vector<int> order;
  order.reserve(g.size());
  while (!ready.empty()) {
    int n = ready.top();
    ready.pop();
    order.push_back(n);
    for (int c : g.children(n)) {
      if (--indegree[size_t(c)] == 0) ready.push(c);
    }
  }
  return order;
}

Result<Graph> apply_filters(const Graph& g, const std::vector<std::string>& only,
                            const std::vector<std::string>& ignore) {
  auto mark_subgraphs = [&](const std::vector<std::string>& names, std::vector<bool>& mark) -> Status {
    for (const auto& name : names) {
      int start = g.find(name);
      if (start < 0) return Error{"repository \"" + name + "\" not found in the graph"};
      std::vector<int> stack{start};
      while (!stack.empty()) {
        int n = stack.back();
        stack.pop_back();
        if (mark[size_t(n)]) continue;
        mark[size_t(n)] = true;
        for (int c : g.children(n)) stack.push_back(c);
      }
    }
    return {};
  };
  std::vector<bool> keep(g.size(), only.empty());
  if (!only.empty()) {
    if (auto s = mark_subgraphs(only, keep); !s) return s.error();
  }
  std::vector<bool> drop(g.size(), false);
  if (auto s = mark_subgraphs(ignore, drop); !s) return s.error();
  std::vector<int> map(g.size(), -1);
  Graph out;
  for (size_t i = 0; i < g.size(); ++i) {
    if (keep[i] && !drop[i]) map[i] = out.add_node(g.node(int(i)));
  }
  for (const auto& e : g.edges()) {
    if (map[size_t(e.from)] < 0 || map[size_t(e.to)] < 0) continue;
    for (const auto& v : e.via) out.add_edge(map[size_t(e.from)], map[size_t(e.to)], v, e.artifacts);
  }
  return out;
}

}  // namespace tako::graph
