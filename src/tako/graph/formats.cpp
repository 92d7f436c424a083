// Output formats of `tako graph` (REFERENCE.md §5.4).
#include <algorithm>
#include <functional>

#include <nlohmann/json.hpp>

#include "tako/graph/graph.h"
#include "tako/util/strings.h"

namespace tako::graph {

std::string format_tree(const Graph& g, int root) {
  std::string out = g.node(root).name + "\n";
  std::function<void(int, const std::string&)> walk = [&](int n, const std::string& indent) {
    const auto& kids = g.children(n);
    for (size_t i = 0; i < kids.size(); ++i) {
      bool last = i + 1 == kids.size();
      out += indent + (last ? "└── " : "├── ") + g.node(kids[i]).name + "\n";
      walk(kids[i], indent + (last ? "    " : "│   "));
    }
  };
  walk(root, "");
  return out;
}

namespace {
std::string dot_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}
}  // namespace

std::string format_dot(const Graph& g, int root) {
  std::string out = "digraph {\n";
  std::function<void(int)> walk = [&](int n) {
    const std::string name = dot_quote(g.node(n).name);
    out += "  " + name + " [label=" + name + "];\n";
    for (int c : g.children(n)) {
      out += "  " + name + " -> " + dot_quote(g.node(c).name) + ";\n";
      walk(c);
    }
  };
  walk(root);
  return out + "}\n";
}

std::string format_json(const Graph& g, int root) {
  using ojson = nlohmann::ordered_json;
  ojson doc;
  doc["root"] = g.node(root).name;
  ojson nodes = ojson::array();
  for (int n : topological_order(g)) {
    const Node& node = g.node(n);
    ojson j;
    j["name"] = node.name;
    j["path"] = node.path;
    j["ref"] = node.ref ? ojson(*node.ref) : ojson(nullptr);
    j["source"] = node.source;
    nodes.push_back(std::move(j));
  }
  doc["nodes"] = std::move(nodes);
  std::vector<const Edge*> edges;
  for (const auto& e : g.edges()) edges.push_back(&e);
  std::sort(edges.begin(), edges.end(), [&](const Edge* a, const Edge* b) {
    const auto& fa = g.node(a->from).key;
    const auto& fb = g.node(b->from).key;
    if (fa != fb) return fa < fb;
    return g.node(a->to).key < g.node(b->to).key;
  });
  ojson jedges = ojson::array();
  for (const Edge* e : edges) {
    ojson j;
    j["from"] = g.node(e->from).name;
    j["to"] = g.node(e->to).name;
    j["via"] = e->via;
    j["artifacts"] = e->artifacts;
    jedges.push_back(std::move(j));
  }
  doc["edges"] = std::move(jedges);
  return doc.dump(2) + "\n";
}

std::string format_mermaid(const Graph& g) {
  std::vector<int> order = topological_order(g);
  std::vector<int> index(g.size(), -1);
  for (size_t i = 0; i < order.size(); ++i) index[size_t(order[i])] = int(i);
  std::string out = "graph TD\n";
  for (size_t i = 0; i < order.size(); ++i) {
    out += "  n" + std::to_string(i) + "[\"" + util::replace_all(g.node(order[i]).name, "\"", "#quot;") + "\"]\n";
  }
  std::vector<std::pair<int, int>> edges;
  for (const auto& e : g.edges()) edges.emplace_back(index[size_t(e.from)], index[size_t(e.to)]);
  std::sort(edges.begin(), edges.end());
  for (const auto& [a, b] : edges) out += "  n" + std::to_string(a) + " --> n" + std::to_string(b) + "\n";
  return out;
}

}  // namespace tako::graph
