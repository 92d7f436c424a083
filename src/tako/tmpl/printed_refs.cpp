// Field chains whose data reaches a template's output (printed_refs.h).
// A small data-flow walk over the parse tree: every value is tracked as the set of root
// chains it may be derived from ("sources"); an action that prints a value reports its
// sources unless its last command makes the value shell-safe. The shell quoting state of the
// text around the actions ('…', "…" or none) is followed in text order, because shell_quote
// protects a value only outside quotes.
#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/printed_refs.h"

namespace tako::tmpl {

using namespace ast;

namespace {

using Chain = std::vector<std::string>;
using Sources = std::vector<Chain>;
using Vars = std::map<std::string, Sources>;

// Functions whose result cannot carry shell syntax in any context: query-escaped text,
// numbers and booleans.
bool inert_function(std::string_view f) {
  static const std::set<std::string_view> kInert = {
      "url_encode", "urlquery", "len",      "length",     "to_int",     "to_float",       "to_bool",
      "eq",         "ne",       "lt",       "le",         "gt",         "ge",             "not",
      "empty",      "contains", "has_prefix", "has_suffix", "event_has_field"};
  return kInert.count(f) != 0;
}

bool is_function(const CommandNode* cmd, std::string_view name) {
  const Node* first = cmd->args[0].get();
  return first->type == NodeType::Identifier && static_cast<const IdentifierNode*>(first)->ident == name;
}

enum class Quote { None, Single, Double };

void add_all(Sources& to, const Sources& from) {
  for (const auto& c : from) {
    if (std::find(to.begin(), to.end(), c) == to.end()) to.push_back(c);
  }
}

Sources extend(const Sources& base, const std::vector<std::string>& fields) {
  Sources out = base;
  for (auto& c : out) c.insert(c.end(), fields.begin(), fields.end());
  return out;
}

class PrintWalker {
 public:
  PrintWalker(const std::string& text, std::vector<PrintedRef>& out) : text_(text), out_(out) {}

  void list(const ListNode* l, const Sources& dot, Vars& vars) {
    if (l == nullptr) return;
    for (const auto& n : l->nodes) node(n.get(), dot, vars);
  }

 private:
  const std::string& text_;
  std::vector<PrintedRef>& out_;
  Quote quote_ = Quote::None;  // the shell quoting state at the current point of the text
  bool escaped_ = false;       // a backslash ended the last text outside '…'
  bool quote_passes_ = false;  // evaluating shell_quote as an ordinary function

  void shell_text(const std::string& t) {
    for (char c : t) {
      if (escaped_) {
        escaped_ = false;
        continue;
      }
      switch (quote_) {
        case Quote::None:
          if (c == '\\') escaped_ = true;
          else if (c == '\'') quote_ = Quote::Single;
          else if (c == '"') quote_ = Quote::Double;
          break;
        case Quote::Single:
          if (c == '\'') quote_ = Quote::None;
          break;
        case Quote::Double:
          if (c == '\\') escaped_ = true;
          else if (c == '"') quote_ = Quote::None;
          break;
      }
    }
  }

  int line_of(int pos) const {
    auto p = static_cast<size_t>(std::max(pos, 0));
    if (p > text_.size()) p = text_.size();
    return 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(p), '\n'));
  }

  void report(const Sources& s, int pos, bool quoted_inside_quotes = false) {
    for (const auto& c : s) {
      if (c.empty()) continue;  // the whole root (`{{ . }}`): no chain to name
      bool seen = std::any_of(out_.begin(), out_.end(), [&](const PrintedRef& r) { return r.path == c; });
      if (!seen) out_.push_back(PrintedRef{c, line_of(pos), quoted_inside_quotes});
    }
  }

  Sources value(const Node* n, const Sources& dot, const Vars& vars) const {
    switch (n->type) {
      case NodeType::Dot: return dot;
      case NodeType::Field: return extend(dot, static_cast<const FieldNode*>(n)->ident);
      case NodeType::Variable: {
        const auto* v = static_cast<const VariableNode*>(n);
        auto it = vars.find(v->ident[0]);
        if (it == vars.end()) return {};
        return extend(it->second, std::vector<std::string>(v->ident.begin() + 1, v->ident.end()));
      }
      case NodeType::Chain: {
        const auto* c = static_cast<const ChainNode*>(n);
        return extend(value(c->node.get(), dot, vars), c->field);
      }
      case NodeType::Pipe: return pipe_value(static_cast<const PipeNode*>(n), dot, vars);
      default: return {};  // literals, nil, a function identifier on its own
    }
  }

  Sources command_value(const CommandNode* cmd, const Sources& piped, bool last, const Sources& dot,
                        const Vars& vars) const {
    const Node* first = cmd->args[0].get();
    Sources out;
    if (first->type == NodeType::Identifier) {
      const std::string& f = static_cast<const IdentifierNode*>(first)->ident;
      if (inert_function(f)) return {};
      // shell_quote protects only as the last command: a later one may take its quotes off.
      if (f == "shell_quote" && last && !quote_passes_) return {};
      if (f == "index" && cmd->args.size() >= 2) {
        // `index .m "a" "b"`: the chain .m.a.b while the keys are literal strings.
        Sources base = value(cmd->args[1].get(), dot, vars);
        std::vector<std::string> keys;
        bool literal = true;
        for (size_t i = 2; i < cmd->args.size(); ++i) {
          if (cmd->args[i]->type != NodeType::String) {
            literal = false;
            break;
          }
          keys.push_back(static_cast<const StringNode*>(cmd->args[i].get())->text);
        }
        out = literal ? extend(base, keys) : base;
        add_all(out, piped);
        return out;
      }
      // Any other function: its result may carry any of its arguments (printf, default,
      // upper, replace, join, and, or, ...).
      for (size_t i = 1; i < cmd->args.size(); ++i) add_all(out, value(cmd->args[i].get(), dot, vars));
      add_all(out, piped);
      return out;
    }
    for (const auto& a : cmd->args) add_all(out, value(a.get(), dot, vars));
    add_all(out, piped);
    return out;
  }

  Sources pipe_value(const PipeNode* p, const Sources& dot, const Vars& vars) const {
    if (p == nullptr) return {};
    Sources v;
    for (size_t i = 0; i < p->cmds.size(); ++i) {
      v = command_value(p->cmds[i].get(), v, i + 1 == p->cmds.size(), dot, vars);
    }
    return v;
  }

  // Declarations and assignments of a pipeline (`$x := …`, `$x = …`).
  void declare(const PipeNode* p, const Sources& v, Vars& vars) const {
    if (p == nullptr) return;
    for (const auto& d : p->decl) {
      if (p->is_assign) {
        add_all(vars[d->ident[0]], v);
      } else {
        vars[d->ident[0]] = v;
      }
    }
  }

  void node(const Node* n, const Sources& dot, Vars& vars) {
    switch (n->type) {
      case NodeType::Text: shell_text(static_cast<const TextNode*>(n)->text); break;
      case NodeType::Action: {
        const PipeNode* p = static_cast<const ActionNode*>(n)->pipe.get();
        if (p != nullptr && !p->decl.empty()) {
          declare(p, pipe_value(p, dot, vars), vars);  // an assignment prints nothing
          break;
        }
        Sources v = pipe_value(p, dot, vars);
        if (v.empty() && quote_ != Quote::None && p != nullptr && !p->cmds.empty() &&
            is_function(p->cmds.back().get(), "shell_quote")) {
          // Inside '…' or "…" the quotes shell_quote adds do not hold: what it quoted is printed.
          quote_passes_ = true;
          report(pipe_value(p, dot, vars), n->pos, true);
          quote_passes_ = false;
        } else {
          report(v, n->pos);
        }
        break;
      }
      case NodeType::If: {
        const auto* b = static_cast<const BranchNode*>(n);
        Vars inner = vars;
        declare(b->pipe.get(), pipe_value(b->pipe.get(), dot, vars), inner);
        list(b->list.get(), dot, inner);
        Vars other = vars;
        list(b->else_list.get(), dot, other);
        break;
      }
      case NodeType::With:
      case NodeType::Range: {
        // Inside, dot is the value (with) or each element, key or value (range) of the pipeline.
        const auto* b = static_cast<const BranchNode*>(n);
        Sources v = pipe_value(b->pipe.get(), dot, vars);
        Vars inner = vars;
        if (b->pipe) {
          for (const auto& d : b->pipe->decl) inner[d->ident[0]] = v;
        }
        list(b->list.get(), v, inner);
        Vars other = vars;
        list(b->else_list.get(), dot, other);
        break;
      }
      case NodeType::Template: {
        const PipeNode* p = static_cast<const TemplateNode*>(n)->pipe.get();
        report(pipe_value(p, dot, vars), n->pos);
        break;
      }
      case NodeType::List: list(static_cast<const ListNode*>(n), dot, vars); break;
      default: break;
    }
  }
};

}  // namespace

std::vector<PrintedRef> printed_references(const Template& t) {
  std::vector<PrintedRef> out;
  const Template::Tree* tree = t.lookup(t.name());
  if (tree == nullptr || !tree->root) return out;
  PrintWalker w(t.text(), out);
  Vars vars;
  vars["$"] = Sources{Chain{}};
  w.list(tree->root.get(), Sources{Chain{}}, vars);
  return out;
}

}  // namespace tako::tmpl
