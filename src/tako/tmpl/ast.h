// Internal: the parse tree of a template, shaped like Go's text/template/parse
// nodes (same kinds, same positions, same String() forms), because Go's error
// messages quote nodes and their byte positions.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace tako::tmpl::ast {

enum class NodeType : uint8_t {
  Text,
  Action,
  Bool,
  Chain,
  Command,
  Dot,
  Else,  // not added to trees
  End,   // not added to trees
  Field,
  Identifier,
  If,
  List,
  Nil,
  Number,
  Pipe,
  Range,
  String,
  Template,
  Variable,
  With,
  Comment,
  Break,
  Continue,
};

struct Node {
  NodeType type;
  int pos;  // byte offset in the template text
  Node(NodeType t, int p) : type(t), pos(p) {}
  virtual ~Node() = default;
  virtual void write_to(std::string& out) const = 0;
  std::string str() const {
    std::string s;
    write_to(s);
    return s;
  }
};

using NodePtr = std::unique_ptr<Node>;

struct ListNode final : Node {
  std::vector<NodePtr> nodes;
  explicit ListNode(int p) : Node(NodeType::List, p) {}
  void write_to(std::string& out) const override {
    for (const auto& n : nodes) n->write_to(out);
  }
};

struct TextNode final : Node {
  std::string text;
  TextNode(int p, std::string t) : Node(NodeType::Text, p), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += text; }
};

struct CommentNode final : Node {
  std::string text;
  CommentNode(int p, std::string t) : Node(NodeType::Comment, p), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += "{{" + text + "}}"; }
};

struct VariableNode;
struct CommandNode;

struct PipeNode final : Node {
  bool is_assign = false;
  std::vector<std::unique_ptr<VariableNode>> decl;
  std::vector<std::unique_ptr<CommandNode>> cmds;
  explicit PipeNode(int p) : Node(NodeType::Pipe, p) {}
  void write_to(std::string& out) const override;
};

struct ActionNode final : Node {
  std::unique_ptr<PipeNode> pipe;
  ActionNode(int p, std::unique_ptr<PipeNode> pp) : Node(NodeType::Action, p), pipe(std::move(pp)) {}
  void write_to(std::string& out) const override {
    out += "{{";
    pipe->write_to(out);
    out += "}}";
  }
};

struct CommandNode final : Node {
  std::vector<NodePtr> args;
  explicit CommandNode(int p) : Node(NodeType::Command, p) {}
  void write_to(std::string& out) const override {
    for (size_t i = 0; i < args.size(); ++i) {
      if (i > 0) out += ' ';
      if (args[i]->type == NodeType::Pipe) {
        out += '(';
        args[i]->write_to(out);
        out += ')';
      } else {
        args[i]->write_to(out);
      }
    }
  }
};

struct IdentifierNode final : Node {
  std::string ident;
  int func_index = -1;  // resolved function (see funcs.h)
  IdentifierNode(int p, std::string id) : Node(NodeType::Identifier, p), ident(std::move(id)) {}
  void write_to(std::string& out) const override { out += ident; }
};

struct VariableNode final : Node {
  std::vector<std::string> ident;  // "$x", then fields
  VariableNode(int p, std::vector<std::string> id) : Node(NodeType::Variable, p), ident(std::move(id)) {}
  void write_to(std::string& out) const override {
    for (size_t i = 0; i < ident.size(); ++i) {
      if (i > 0) out += '.';
      out += ident[i];
    }
  }
};

struct DotNode final : Node {
  explicit DotNode(int p) : Node(NodeType::Dot, p) {}
  void write_to(std::string& out) const override { out += '.'; }
};

struct NilNode final : Node {
  explicit NilNode(int p) : Node(NodeType::Nil, p) {}
  void write_to(std::string& out) const override { out += "nil"; }
};

struct FieldNode final : Node {
  std::vector<std::string> ident;
  FieldNode(int p, std::vector<std::string> id) : Node(NodeType::Field, p), ident(std::move(id)) {}
  void write_to(std::string& out) const override {
    for (const auto& id : ident) {
      out += '.';
      out += id;
    }
  }
};

struct ChainNode final : Node {
  NodePtr node;
  std::vector<std::string> field;
  ChainNode(int p, NodePtr n) : Node(NodeType::Chain, p), node(std::move(n)) {}
  void write_to(std::string& out) const override {
    if (node->type == NodeType::Pipe) {
      out += '(';
      node->write_to(out);
      out += ')';
    } else {
      node->write_to(out);
    }
    for (const auto& f : field) {
      out += '.';
      out += f;
    }
  }
};

struct BoolNode final : Node {
  bool value;
  BoolNode(int p, bool v) : Node(NodeType::Bool, p), value(v) {}
  void write_to(std::string& out) const override { out += value ? "true" : "false"; }
};

struct NumberNode final : Node {
  bool is_int = false, is_uint = false, is_float = false, is_complex = false;
  int64_t int64 = 0;
  uint64_t uint64 = 0;
  double float64 = 0;
  std::string text;
  NumberNode(int p, std::string t) : Node(NodeType::Number, p), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += text; }
};

struct StringNode final : Node {
  std::string quoted;
  std::string text;
  StringNode(int p, std::string q, std::string t)
      : Node(NodeType::String, p), quoted(std::move(q)), text(std::move(t)) {}
  void write_to(std::string& out) const override { out += quoted; }
};

struct EndNode final : Node {
  explicit EndNode(int p) : Node(NodeType::End, p) {}
  void write_to(std::string& out) const override { out += "{{end}}"; }
};

struct ElseNode final : Node {
  explicit ElseNode(int p) : Node(NodeType::Else, p) {}
  void write_to(std::string& out) const override { out += "{{else}}"; }
};

// if / range / with
struct BranchNode final : Node {
  std::unique_ptr<PipeNode> pipe;
  std::unique_ptr<ListNode> list;
  std::unique_ptr<ListNode> else_list;  // may be null
  BranchNode(NodeType t, int p) : Node(t, p) {}
  void write_to(std::string& out) const override {
    out += "{{";
    out += type == NodeType::If ? "if" : type == NodeType::Range ? "range" : "with";
    out += ' ';
    pipe->write_to(out);
    out += "}}";
    list->write_to(out);
    if (else_list) {
      out += "{{else}}";
      else_list->write_to(out);
    }
    out += "{{end}}";
  }
};

struct BreakNode final : Node {
  explicit BreakNode(int p) : Node(NodeType::Break, p) {}
  void write_to(std::string& out) const override { out += "{{break}}"; }
};

struct ContinueNode final : Node {
  explicit ContinueNode(int p) : Node(NodeType::Continue, p) {}
  void write_to(std::string& out) const override { out += "{{continue}}"; }
};

void write_go_quote(std::string& out, std::string_view s);  // strconv.Quote

struct TemplateNode final : Node {
  std::string name;
  std::unique_ptr<PipeNode> pipe;  // may be null
  TemplateNode(int p, std::string n, std::unique_ptr<PipeNode> pp)
      : Node(NodeType::Template, p), name(std::move(n)), pipe(std::move(pp)) {}
  void write_to(std::string& out) const override {
    out += "{{template ";
    write_go_quote(out, name);
    if (pipe) {
      out += ' ';
      pipe->write_to(out);
    }
    out += "}}";
  }
};

inline void PipeNode::write_to(std::string& out) const {
  if (!decl.empty()) {
    for (size_t i = 0; i < decl.size(); ++i) {
      if (i > 0) out += ", ";
      decl[i]->write_to(out);
    }
    out += " := ";
  }
  for (size_t i = 0; i < cmds.size(); ++i) {
    if (i > 0) out += " | ";
    cmds[i]->write_to(out);
  }
}

}  // namespace tako::tmpl::ast
