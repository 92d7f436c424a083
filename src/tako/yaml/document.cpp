#include "tako/yaml/document.h"

namespace tako::yaml {
namespace {
const std::string kEmpty;
}

const std::string& Node::scalar() const { return is_scalar() ? data()->text : kEmpty; }

const std::string& Node::tag() const { return data() ? data()->tag : kEmpty; }

size_t Node::size() const {
  switch (kind()) {
    case Kind::Sequence: return data()->count;
    case Kind::Mapping: return data()->count / 2;
    default: return 0;
  }
}

Node Node::child(size_t i) const { return Node(tree_, tree_->children[data()->first + i]); }

Node Node::item(size_t i) const { return is_sequence() && i < size() ? child(i) : Node(); }
Node Node::key(size_t i) const { return is_mapping() && i < size() ? child(2 * i) : Node(); }
Node Node::value(size_t i) const { return is_mapping() && i < size() ? child(2 * i + 1) : Node(); }

std::vector<Node> Node::items() const {
  std::vector<Node> out;
  if (!is_sequence()) return out;
  out.reserve(size());
  for (size_t i = 0; i < size(); ++i) out.push_back(child(i));
  return out;
}

std::vector<std::pair<Node, Node>> Node::pairs() const {
  std::vector<std::pair<Node, Node>> out;
  if (!is_mapping()) return out;
  out.reserve(size());
  for (size_t i = 0; i < size(); ++i) out.emplace_back(child(2 * i), child(2 * i + 1));
  return out;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::Mapping: return "mapping";
    case Kind::Sequence: return "sequence";
    case Kind::Scalar: return "scalar";
    default: return "null";
  }
}

}  // namespace tako::yaml
