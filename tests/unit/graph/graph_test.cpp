#include "tako/graph/graph.h"

#include <gtest/gtest.h>

using namespace tako::graph;

namespace {

// a->{b,d}, b->c, c->e, d->e with names "o/complex-graph-repo-<x>" (REFERENCE.md §5.3/§5.4).
Graph diamond(const std::string& prefix = "o/complex-graph-repo-") {
  Graph g;
  for (const char* n : {"a", "b", "c", "d", "e"}) g.add_node(Node{prefix + n, "/src/" + std::string(n), {}, "local", ""});
  g.add_edge(0, 3, "dependents", {});  // added out of order: children must still be sorted
  g.add_edge(0, 1, "dependents", {"lib"});
  g.add_edge(1, 2, "subscription", {"*"});
  g.add_edge(2, 4, "dependents", {});
  g.add_edge(3, 4, "dependents", {});
  return g;
}

std::vector<std::string> names(const Graph& g, const std::vector<int>& order) {
  std::vector<std::string> out;
  for (int i : order) out.push_back(g.node(i).name);
  return out;
}

}  // namespace

TEST(Graph, TopologicalOrderIsKahnByName) {
  Graph g = diamond("");
  EXPECT_EQ(names(g, topological_order(g)), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST(Graph, TreeFormatMatchesSpec) {
  Graph g = diamond();
  EXPECT_EQ(format_tree(g, 0),
            "o/complex-graph-repo-a\n"
            "├── o/complex-graph-repo-b\n"
            "│   └── o/complex-graph-repo-c\n"
            "│       └── o/complex-graph-repo-e\n"
            "└── o/complex-graph-repo-d\n"
            "    └── o/complex-graph-repo-e\n");
}

TEST(Graph, DotRepeatsNodesReachedAgain) {
  Graph g = diamond("");
  EXPECT_EQ(format_dot(g, 0),
            "digraph {\n"
            "  \"a\" [label=\"a\"];\n"
            "  \"a\" -> \"b\";\n"
            "  \"b\" [label=\"b\"];\n"
            "  \"b\" -> \"c\";\n"
            "  \"c\" [label=\"c\"];\n"
            "  \"c\" -> \"e\";\n"
            "  \"e\" [label=\"e\"];\n"
            "  \"a\" -> \"d\";\n"
            "  \"d\" [label=\"d\"];\n"
            "  \"d\" -> \"e\";\n"
            "  \"e\" [label=\"e\"];\n"
            "}\n");
}

TEST(Graph, DotEscapesQuotes) {
  Graph g;
  g.add_node(Node{"a\"b\\c", "/x", {}, "entry", ""});
  EXPECT_EQ(format_dot(g, 0), "digraph {\n  \"a\\\"b\\\\c\" [label=\"a\\\"b\\\\c\"];\n}\n");
}

TEST(Graph, MermaidUsesTopologicalIndexes) {
  Graph g = diamond("");
  EXPECT_EQ(format_mermaid(g),
            "graph TD\n  n0[\"a\"]\n  n1[\"b\"]\n  n2[\"c\"]\n  n3[\"d\"]\n  n4[\"e\"]\n"
            "  n0 --> n1\n  n0 --> n3\n  n1 --> n2\n  n2 --> n4\n  n3 --> n4\n");
  Graph q;
  q.add_node(Node{"say \"hi\"", "/x", {}, "entry", ""});
  EXPECT_EQ(format_mermaid(q), "graph TD\n  n0[\"say #quot;hi#quot;\"]\n");
}

TEST(Graph, JsonHasNodesInTopologicalOrderAndSortedEdges) {
  Graph g = diamond("");
  std::string j = format_json(g, 0);
  EXPECT_EQ(j.substr(0, 20), "{\n  \"root\": \"a\",\n  \"");
  EXPECT_NE(j.find("\"via\": [\n        \"subscription\"\n      ]"), std::string::npos) << j;
  EXPECT_LT(j.find("\"from\": \"a\",\n      \"to\": \"b\""), j.find("\"from\": \"a\",\n      \"to\": \"d\""));
  EXPECT_NE(j.find("\"ref\": null"), std::string::npos);
}

TEST(Graph, CycleMessageStartsAtRepeatedNode) {
  Graph g;
  for (const char* n : {"root", "a", "b"}) g.add_node(Node{n, "", {}, "local", ""});
  g.add_edge(0, 1, "dependents", {});
  g.add_edge(1, 2, "dependents", {});
  g.add_edge(2, 1, "dependents", {});
  auto s = check_cycles(g, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "circular dependency detected: a -> b -> a");
  g.add_edge(0, 0, "dependents", {});  // self edges are ignored
  EXPECT_EQ(g.children(0).size(), 1u);
}

TEST(Graph, EdgesMergeViaKinds) {
  Graph g;
  g.add_node(Node{"a", "", {}, "entry", ""});
  g.add_node(Node{"b", "", {}, "local", ""});
  g.add_edge(0, 1, "subscription", {"x"});
  g.add_edge(0, 1, "dependents", {"y"});
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.edges()[0].via, (std::vector<std::string>{"dependents", "subscription"}));
  EXPECT_EQ(g.edges()[0].artifacts, (std::vector<std::string>{"x", "y"}));
}

TEST(Graph, FiltersOnlyAndIgnore) {
  // root -> {A -> B -> C, D -> E}
  Graph g;
  for (const char* n : {"root", "A", "B", "C", "D", "E"}) g.add_node(Node{n, "", {}, "local", ""});
  g.add_edge(0, 1, "dependents", {});
  g.add_edge(1, 2, "dependents", {});
  g.add_edge(2, 3, "dependents", {});
  g.add_edge(0, 4, "dependents", {});
  g.add_edge(4, 5, "dependents", {});
  auto ignored = apply_filters(g, {}, {"b"});
  ASSERT_TRUE(ignored.ok());
  EXPECT_EQ(names(*ignored, topological_order(*ignored)), (std::vector<std::string>{"root", "A", "D", "E"}));
  auto only = apply_filters(g, {"A"}, {"C"});
  ASSERT_TRUE(only.ok());
  EXPECT_EQ(names(*only, topological_order(*only)), (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(only->edges().size(), 1u);
  auto unknown = apply_filters(g, {"Z"}, {});
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().message, "repository \"Z\" not found in the graph");
}

TEST(Graph, ReachableSubgraphRootsAtZero) {
  Graph g = diamond("");
  Graph r = reachable_from(g, 1);  // b -> c -> e
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(r.node(0).name, "b");
  EXPECT_EQ(names(r, topological_order(r)), (std::vector<std::string>{"b", "c", "e"}));
}
