// Field chains read from the root data (for load-time checks, REFERENCE.md §4.7).
#include <algorithm>
#include <optional>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

using namespace ast;

namespace {

using Path = std::optional<std::vector<std::string>>;

class RefWalker {
 public:
  RefWalker(const std::string& text, std::vector<FieldRef>& out) : text_(text), out_(out) {}

  void list(const ListNode* l, const Path& dot, const Path& root) {
    if (l == nullptr) return;
    for (const auto& n : l->nodes) node(n.get(), dot, root);
  }

 private:
  const std::string& text_;
  std::vector<FieldRef>& out_;

  int line_of(int pos) const {
    auto p = static_cast<size_t>(std::max(pos, 0));
    if (p > text_.size()) p = text_.size();
    return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(p), '\n'));
  }

  void report(std::vector<std::string> path, int pos) {
    if (path.empty()) return;
    out_.push_back(FieldRef{std::move(path), line_of(pos)});
  }

  // The path a single argument denotes, if its root is known.
  Path resolve(const Node* n, const Path& dot, const Path& root) const {
    switch (n->type) {
      case NodeType::Dot: return dot;
      case NodeType::Field: {
        if (!dot) return std::nullopt;
        auto p = *dot;
        for (const auto& id : static_cast<const FieldNode*>(n)->ident) p.push_back(id);
        return p;
      }
      case NodeType::Variable: {
        const auto* v = static_cast<const VariableNode*>(n);
        if (v->ident[0] != "$" || !root) return std::nullopt;
        auto p = *root;
        for (size_t i = 1; i < v->ident.size(); ++i) p.push_back(v->ident[i]);
        return p;
      }
      case NodeType::Pipe: {
        const auto* pp = static_cast<const PipeNode*>(n);
        if (pp->cmds.size() != 1 || !pp->decl.empty()) return std::nullopt;
        return resolve_command(pp->cmds[0].get(), dot, root);
      }
      case NodeType::Chain: {
        const auto* c = static_cast<const ChainNode*>(n);
        Path base = resolve(c->node.get(), dot, root);
        if (!base) return std::nullopt;
        for (const auto& f : c->field) base->push_back(f);
        return base;
      }
      default: return std::nullopt;
    }
  }

  Path resolve_command(const CommandNode* cmd, const Path& dot, const Path& root) const {
    const Node* first = cmd->args[0].get();
    if (first->type == NodeType::Identifier && static_cast<const IdentifierNode*>(first)->ident == "index" &&
        cmd->args.size() >= 2) {
      Path base = resolve(cmd->args[1].get(), dot, root);
      if (!base) return std::nullopt;
      for (size_t i = 2; i < cmd->args.size(); ++i) {
        if (cmd->args[i]->type != NodeType::String) return std::nullopt;
        base->push_back(static_cast<const StringNode*>(cmd->args[i].get())->text);
      }
      return base;
    }
    if (cmd->args.size() == 1) return resolve(first, dot, root);
    return std::nullopt;
  }

  void arg(const Node* n, const Path& dot, const Path& root) {
    switch (n->type) {
      case NodeType::Field:
      case NodeType::Variable: {
        Path p = resolve(n, dot, root);
        if (p) report(*p, n->pos);
        break;
      }
      case NodeType::Chain: {
        const auto* c = static_cast<const ChainNode*>(n);
        Path p = resolve(n, dot, root);
        if (p) report(*p, n->pos);
        arg(c->node.get(), dot, root);
        break;
      }
      case NodeType::Pipe: pipe(static_cast<const PipeNode*>(n), dot, root); break;
      default: break;
    }
  }

  void command(const CommandNode* cmd, const Path& dot, const Path& root) {
    const Node* first = cmd->args[0].get();
    if (first->type == NodeType::Identifier && static_cast<const IdentifierNode*>(first)->ident == "index") {
      Path p = resolve_command(cmd, dot, root);
      if (p) report(*p, first->pos);
    }
    for (const auto& a : cmd->args) arg(a.get(), dot, root);
  }

  void pipe(const PipeNode* p, const Path& dot, const Path& root) {
    if (p == nullptr) return;
    for (const auto& c : p->cmds) command(c.get(), dot, root);
  }

  Path pipe_value(const PipeNode* p, const Path& dot, const Path& root) const {
    if (p == nullptr || p->cmds.size() != 1) return std::nullopt;
    return resolve_command(p->cmds[0].get(), dot, root);
  }

  void node(const Node* n, const Path& dot, const Path& root) {
    switch (n->type) {
      case NodeType::Action: pipe(static_cast<const ActionNode*>(n)->pipe.get(), dot, root); break;
      case NodeType::If: {
        const auto* b = static_cast<const BranchNode*>(n);
        pipe(b->pipe.get(), dot, root);
        list(b->list.get(), dot, root);
        list(b->else_list.get(), dot, root);
        break;
      }
      case NodeType::With: {
        const auto* b = static_cast<const BranchNode*>(n);
        pipe(b->pipe.get(), dot, root);
        list(b->list.get(), pipe_value(b->pipe.get(), dot, root), root);
        list(b->else_list.get(), dot, root);
        break;
      }
      case NodeType::Range: {
        const auto* b = static_cast<const BranchNode*>(n);
        pipe(b->pipe.get(), dot, root);
        list(b->list.get(), std::nullopt, root);
        list(b->else_list.get(), dot, root);
        break;
      }
      case NodeType::Template: pipe(static_cast<const TemplateNode*>(n)->pipe.get(), dot, root); break;
      case NodeType::List: list(static_cast<const ListNode*>(n), dot, root); break;
      default: break;
    }
  }
};

}  // namespace

std::vector<FieldRef> field_references(const Template& t) {
  std::vector<FieldRef> out;
  RefWalker w(t.text(), out);
  for (const auto& [name, tree] : t.trees()) {
    if (!tree || !tree->root) continue;
    if (name == t.name()) {
      w.list(tree->root.get(), std::vector<std::string>{}, std::vector<std::string>{});
    } else {
      w.list(tree->root.get(), std::nullopt, std::nullopt);
    }
  }
  return out;
}

}  // namespace tako::tmpl
