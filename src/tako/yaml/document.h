// A parsed YAML document: a small read-only tree owned by yaml::Document and
// viewed through yaml::Node handles. Built by yaml::parse (parser.h), which
// resolves aliases to the node they name and checks the resource limits, so
// any recursive walk over a Document is bounded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace tako::yaml {

enum class Kind { Null, Scalar, Sequence, Mapping };

// How a scalar was written. Collections and nulls report Plain.
enum class Style { Plain, SingleQuoted, DoubleQuoted, Literal, Folded };

namespace detail {
struct NodeData {
  Kind kind = Kind::Null;
  Style style = Style::Plain;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  std::string text;  // scalar content (escapes and folding applied)
  std::string tag;   // explicit tag, resolved ("tag:yaml.org,2002:str", "!local", "!"); empty when none
  uint32_t first = 0;  // index of the first child in Tree::children
  uint32_t count = 0;  // children: items, or keys and values interleaved
};
struct Tree {
  std::vector<NodeData> nodes;
  std::vector<uint32_t> children;
};
}  // namespace detail

// A view of one node. Valid while its Document lives. A default-constructed
// Node is an empty (null) node. An alias is the node its anchor names.
class Node {
 public:
  Node() = default;

  Kind kind() const { return data() ? data()->kind : Kind::Null; }
  bool is_null() const { return kind() == Kind::Null; }
  bool is_scalar() const { return kind() == Kind::Scalar; }
  bool is_sequence() const { return kind() == Kind::Sequence; }
  bool is_mapping() const { return kind() == Kind::Mapping; }

  // Scalar content; "" for anything else.
  const std::string& scalar() const;
  Style style() const { return data() ? data()->style : Style::Plain; }
  // Explicit tag or "" (see detail::NodeData::tag).
  const std::string& tag() const;
  // A plain scalar without a tag: the one whose type the core schema resolves.
  bool is_plain() const { return is_scalar() && style() == Style::Plain && tag().empty(); }

  // 1-based position of the node's first character (its anchor or tag when it
  // has one, the indicator of a block scalar); 0 when unknown.
  int line() const { return data() ? data()->line : 0; }
  int column() const { return data() ? data()->column : 0; }

  // Items of a sequence or pairs of a mapping; 0 for anything else.
  size_t size() const;
  Node item(size_t i) const;   // sequences
  Node key(size_t i) const;    // mappings
  Node value(size_t i) const;  // mappings
  std::vector<Node> items() const;
  std::vector<std::pair<Node, Node>> pairs() const;  // in document order

 private:
  friend class Document;
  Node(const detail::Tree* tree, uint32_t index) : tree_(tree), index_(index) {}
  const detail::NodeData* data() const { return tree_ ? &tree_->nodes[index_] : nullptr; }
  Node child(size_t i) const;

  const detail::Tree* tree_ = nullptr;
  uint32_t index_ = 0;
};

// Owns the tree of one document; move-only, Nodes stay valid across moves.
class Document {
 public:
  Document() : tree_(std::make_unique<detail::Tree>()) {}
  Document(std::unique_ptr<detail::Tree> tree, bool has_root, uint32_t root)
      : tree_(std::move(tree)), has_root_(has_root), root_(root) {}

  // The root node; a null node for an empty stream.
  Node root() const { return has_root_ ? Node(tree_.get(), root_) : Node(); }

 private:
  std::unique_ptr<detail::Tree> tree_;
  bool has_root_ = false;
  uint32_t root_ = 0;
};

// "mapping", "sequence", "scalar" or "null".
const char* kind_name(Kind kind);

}  // namespace tako::yaml
