// Executor mirroring Go's text/template exec.go (Go 1.19): the same
// evaluation order and the same "current node" bookkeeping, so that output
// and error messages (position, quoted node, detail) match Go.
#include <algorithm>
#include <cstring>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/funcs.h"
#include "tako/tmpl/gofmt.h"
#include "tako/tmpl/stack_guard.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

using namespace ast;

std::optional<MissingKey> missing_key_from_string(std::string_view s) {
  if (s == "empty") return MissingKey::Empty;
  if (s == "default" || s == "invalid") return MissingKey::Default;
  if (s == "zero") return MissingKey::Zero;
  if (s == "error") return MissingKey::Error;
  return std::nullopt;
}

namespace {

struct ExecError {
  std::string message;
};

enum class Flow { Normal, Break, Continue };

struct Var {
  std::string_view name;
  Value value;
};

using Args = std::vector<NodePtr>;

class State {
 public:
  State(const Template& set, const Template::Tree* tree, const ExecOptions& opt, std::string& out)
      : set_(set), tmpl_(tree), opt_(opt), out_(out) {}

  void run(const Value& dot) {
    vars_.push_back(Var{"$", dot});
    walk(dot, tmpl_->root.get());
  }

 private:
  const Template& set_;
  const Template::Tree* tmpl_;
  const Node* node_ = nullptr;
  std::vector<Var> vars_;
  int depth_ = 0;
  const ExecOptions& opt_;
  std::string& out_;
  uint64_t steps_ = 0;

  // ---- errors

  [[noreturn]] void errorf(const std::string& detail) {
    std::string msg;
    if (node_ == nullptr) {
      msg = "template: " + tmpl_->name + ": " + detail;
    } else {
      const std::string& text = set_.text();
      auto pos = static_cast<size_t>(node_->pos);
      if (pos > text.size()) pos = text.size();
      std::string_view before(text.data(), pos);
      size_t nl = before.rfind('\n');
      size_t col = nl == std::string_view::npos ? pos : pos - (nl + 1);
      size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
      msg = "template: " + set_.name() + ":" + std::to_string(line) + ":" + std::to_string(col) + ": executing " +
            gofmt::quote(tmpl_->name) + " at <" + node_->str() + ">: " + detail;
    }
    throw ExecError{std::move(msg)};
  }

  void at(const Node* n) { node_ = n; }

  void step() {
    if (++steps_ > opt_.max_steps) errorf("template execution exceeded the step limit");
  }

  void check_stack() {
    if (stack_is_low()) errorf("template nesting too deep");
  }

  void check_output() {
    if (out_.size() > opt_.max_output)
      errorf("template output exceeds the limit of " + std::to_string(opt_.max_output) + " bytes");
  }

  // ---- variables

  size_t mark() const { return vars_.size(); }
  void pop(size_t m) { vars_.resize(m); }

  void set_var(std::string_view name, const Value& v) {
    for (size_t i = vars_.size(); i-- > 0;) {
      if (vars_[i].name == name) {
        vars_[i].value = v;
        return;
      }
    }
    errorf("undefined variable: " + std::string(name));
  }

  void set_top_var(size_t n, const Value& v) {
    if (vars_.size() < n) errorf("internal error: variable stack underflow");
    vars_[vars_.size() - n].value = v;
  }

  const Value& var_value(std::string_view name) {
    for (size_t i = vars_.size(); i-- > 0;)
      if (vars_[i].name == name) return vars_[i].value;
    errorf("undefined variable: " + std::string(name));
  }

  // ---- walking

  Flow walk(const Value& dot, const Node* node) {
    at(node);
    step();
    switch (node->type) {
      case NodeType::Action: {
        const auto* a = static_cast<const ActionNode*>(node);
        Value val = eval_pipeline(dot, a->pipe.get());
        if (a->pipe->decl.empty()) print_value(node, val);
        return Flow::Normal;
      }
      case NodeType::Break: return Flow::Break;
      case NodeType::Continue: return Flow::Continue;
      case NodeType::Comment: return Flow::Normal;
      case NodeType::If:
      case NodeType::With: {
        const auto* b = static_cast<const BranchNode*>(node);
        return walk_if_or_with(node->type, dot, b);
      }
      case NodeType::List: {
        check_stack();
        for (const auto& n : static_cast<const ListNode*>(node)->nodes) {
          Flow f = walk(dot, n.get());
          if (f != Flow::Normal) return f;
        }
        return Flow::Normal;
      }
      case NodeType::Range: walk_range(dot, static_cast<const BranchNode*>(node)); return Flow::Normal;
      case NodeType::Template: walk_template(dot, static_cast<const TemplateNode*>(node)); return Flow::Normal;
      case NodeType::Text:
        out_ += static_cast<const TextNode*>(node)->text;
        check_output();
        return Flow::Normal;
      default: errorf("unknown node: " + node->str());
    }
  }

  Flow walk_if_or_with(NodeType type, const Value& dot, const BranchNode* b) {
    size_t m = mark();
    Value val = eval_pipeline(dot, b->pipe.get());
    bool truth = is_true(val.unboxed());
    Flow f = Flow::Normal;
    if (truth) {
      f = walk(type == NodeType::With ? val : dot, b->list.get());
    } else if (b->else_list) {
      f = walk(dot, b->else_list.get());
    }
    pop(m);
    return f;
  }

  void walk_range(const Value& dot, const BranchNode* r) {
    at(r);
    size_t m0 = mark();
    Value val = eval_pipeline(dot, r->pipe.get()).unboxed();
    size_t m = mark();
    size_t ndecl = r->pipe->decl.size();
    auto one = [&](const Value& index, const Value& elem) -> Flow {
      if (ndecl > 0) set_top_var(1, elem);
      if (ndecl > 1) set_top_var(2, index);
      Flow f = walk(elem, r->list.get());
      pop(m);
      return f;
    };
    switch (val.kind) {
      case Kind::List:
        if (val.j->empty()) break;
        for (size_t i = 0; i < val.j->size(); ++i) {
          Value elem = Value::from_json((*val.j)[i], true, val.hold);
          if (one(Value::of_int(static_cast<int64_t>(i)), elem) == Flow::Break) break;
        }
        pop(m0);
        return;
      case Kind::Map:
        if (val.j->empty()) break;
        for (auto it = val.j->begin(); it != val.j->end(); ++it) {
          Value key = Value::of_sv(it.key());
          key.hold = val.hold;
          Value elem = Value::from_json(*it, true, val.hold);
          if (one(key, elem) == Flow::Break) break;
        }
        pop(m0);
        return;
      case Kind::Invalid: break;
      default: {
        std::string s;
        gofmt::print_v(s, val);
        errorf("range can't iterate over " + s);
      }
    }
    if (r->else_list) walk(dot, r->else_list.get());
    pop(m0);
  }

  void walk_template(const Value& dot_in, const TemplateNode* t) {
    at(t);
    const Template::Tree* tree = set_.lookup(t->name);
    if (tree == nullptr) errorf("template " + gofmt::quote(t->name) + " not defined");
    if (depth_ >= opt_.max_template_depth)
      errorf("exceeded maximum template depth (" + std::to_string(opt_.max_template_depth) + ")");
    check_stack();
    Value dot = eval_pipeline(dot_in, t->pipe.get());
    std::vector<Var> saved;
    saved.swap(vars_);
    vars_.push_back(Var{"$", dot});
    const Template::Tree* saved_tmpl = tmpl_;
    tmpl_ = tree;
    depth_++;
    walk(dot, tree->root.get());
    depth_--;
    tmpl_ = saved_tmpl;
    vars_.swap(saved);
  }

  // ---- evaluation

  Value eval_pipeline(const Value& dot, const PipeNode* pipe) {
    if (pipe == nullptr) return Value();
    at(pipe);
    Value value;
    bool have_final = false;
    for (const auto& cmd : pipe->cmds) {
      if (have_final) {
        Value final_v = std::move(value);
        value = eval_command(dot, cmd.get(), &final_v);
      } else {
        value = eval_command(dot, cmd.get(), nullptr);
      }
      have_final = true;
      if (value.boxed) value = value.unboxed();
    }
    for (const auto& v : pipe->decl) {
      if (pipe->is_assign) {
        set_var(v->ident[0], value);
      } else {
        vars_.push_back(Var{v->ident[0], value});
      }
    }
    return value;
  }

  void not_a_function(const Args* args, const Value* final_v) {
    if ((args != nullptr && args->size() > 1) || final_v != nullptr)
      errorf("can't give argument to non-function " + (*args)[0]->str());
  }

  Value eval_command(const Value& dot, const CommandNode* cmd, const Value* final_v) {
    step();
    const Node* first = cmd->args[0].get();
    switch (first->type) {
      case NodeType::Field:
        return eval_field_node(dot, static_cast<const FieldNode*>(first), &cmd->args, final_v);
      case NodeType::Chain:
        return eval_chain_node(dot, static_cast<const ChainNode*>(first), &cmd->args, final_v);
      case NodeType::Identifier:
        return eval_function(dot, static_cast<const IdentifierNode*>(first), cmd, &cmd->args, final_v);
      case NodeType::Pipe:
        not_a_function(&cmd->args, final_v);
        check_stack();
        return eval_pipeline(dot, static_cast<const PipeNode*>(first));
      case NodeType::Variable:
        return eval_variable_node(dot, static_cast<const VariableNode*>(first), &cmd->args, final_v);
      default: break;
    }
    at(first);
    not_a_function(&cmd->args, final_v);
    switch (first->type) {
      case NodeType::Bool: return Value::of_bool(static_cast<const BoolNode*>(first)->value);
      case NodeType::Dot: return dot;
      case NodeType::Nil: errorf("nil is not a command");
      case NodeType::Number: return ideal_constant(static_cast<const NumberNode*>(first));
      case NodeType::String: return Value::of_sv(static_cast<const StringNode*>(first)->text);
      default: break;
    }
    errorf("can't evaluate command " + gofmt::quote(first->str()));
  }

  Value ideal_constant(const NumberNode* c) {
    at(c);
    const std::string& t = c->text;
    bool is_hex_int = t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') &&
                      t.find_first_of("pP") == std::string::npos;
    bool is_rune = !t.empty() && t[0] == '\'';
    if (c->is_float && !is_hex_int && !is_rune && t.find_first_of(".eEpP") != std::string::npos)
      return Value::of_float(c->float64);
    if (c->is_int) return Value::of_int(c->int64);
    if (c->is_uint) errorf(t + " overflows int");
    return Value();
  }

  Value eval_field_node(const Value& dot, const FieldNode* field, const Args* args, const Value* final_v) {
    at(field);
    return eval_field_chain(dot, dot, field, field->ident.data(), field->ident.size(), args, final_v);
  }

  Value eval_chain_node(const Value& dot, const ChainNode* chain, const Args* args, const Value* final_v) {
    at(chain);
    if (chain->field.empty()) errorf("internal error: no fields in evalChainNode");
    if (chain->node->type == NodeType::Nil) errorf("indirection through explicit nil in " + chain->str());
    Value pipe = eval_arg(dot, nullptr, chain->node.get());
    return eval_field_chain(dot, pipe, chain, chain->field.data(), chain->field.size(), args, final_v);
  }

  Value eval_variable_node(const Value& dot, const VariableNode* var, const Args* args, const Value* final_v) {
    at(var);
    Value value = var_value(var->ident[0]);
    if (var->ident.size() == 1) {
      not_a_function(args, final_v);
      return value;
    }
    return eval_field_chain(dot, value, var, var->ident.data() + 1, var->ident.size() - 1, args, final_v);
  }

  Value eval_field_chain(const Value& dot, Value receiver, const Node* node, const std::string* ident, size_t n,
                         const Args* args, const Value* final_v) {
    for (size_t i = 0; i + 1 < n; ++i) receiver = eval_field(ident[i], nullptr, nullptr, receiver);
    (void)dot;
    (void)node;
    return eval_field(ident[n - 1], args, final_v, receiver);
  }

  Value eval_field(const std::string& name, const Args* args, const Value* final_v, const Value& receiver) {
    if (receiver.kind == Kind::Invalid) {
      if (opt_.missing == MissingKey::Error) errorf("nil data; no entry for key " + gofmt::quote(name));
      return Value();
    }
    const char* typ = go_static_type_name(receiver);
    if (receiver.kind == Kind::Nil) errorf(std::string("nil pointer evaluating ") + typ + "." + name);
    bool has_args = (args != nullptr && args->size() > 1) || final_v != nullptr;
    if (receiver.kind == Kind::Map) {
      if (has_args) errorf(name + " is not a method but has arguments");
      auto it = receiver.j->find(name);
      if (it != receiver.j->end()) return Value::from_json(*it, true, receiver.hold);
      switch (opt_.missing) {
        case MissingKey::Empty:
        case MissingKey::Default: return Value();
        case MissingKey::Zero: return Value::nil_iface();
        case MissingKey::Error: errorf("map has no entry for key " + gofmt::quote(name));
      }
      return Value();
    }
    errorf("can't evaluate field " + name + " in type " + typ);
  }

  Value eval_function(const Value& dot, const IdentifierNode* node, const Node* cmd, const Args* args,
                      const Value* final_v) {
    at(node);
    if (node->func_index < 0) errorf(gofmt::quote(node->ident) + " is not a defined function");
    return eval_call(dot, function_spec(node->func_index), cmd, node->ident, args, final_v);
  }

  Param param_at(const FuncSpec& f, int i) const { return f.params[std::min(i, f.num_in - 1)]; }

  Value eval_call(const Value& dot, const FuncSpec& fn, const Node* node, const std::string& name, const Args* args,
                  const Value* final_v) {
    size_t nargs = args != nullptr ? args->size() - 1 : 0;  // args[0] is the function name
    auto arg_node = [&](size_t i) { return (*args)[i + 1].get(); };
    size_t num_in = nargs + (final_v != nullptr ? 1 : 0);
    size_t num_fixed = nargs;
    if (fn.variadic) {
      num_fixed = static_cast<size_t>(fn.num_in - 1);
      if (num_in < num_fixed)
        errorf("wrong number of args for " + name + ": want at least " + std::to_string(fn.num_in - 1) + " got " +
               std::to_string(nargs));
    } else if (num_in != static_cast<size_t>(fn.num_in)) {
      errorf("wrong number of args for " + name + ": want " + std::to_string(fn.num_in) + " got " +
             std::to_string(num_in));
    }
    if (fn.special != Special::None) {
      bool want = fn.special == Special::Or;
      Value v;
      for (size_t i = 0; i < nargs; ++i) {
        v = eval_arg(dot, &fn.params[0], arg_node(i));
        if (is_true(v.unboxed()) == want) return v;
      }
      if (final_v != nullptr) v = validate_type(*final_v, &fn.params[0]);
      return v;
    }
    std::vector<Value> argv(num_in);
    size_t i = 0;
    for (; i < num_fixed && i < nargs; ++i) argv[i] = eval_arg(dot, &fn.params[i], arg_node(i));
    if (fn.variadic) {
      Param p = fn.params[fn.num_in - 1];
      for (; i < nargs; ++i) argv[i] = eval_arg(dot, &p, arg_node(i));
    }
    if (final_v != nullptr) {
      Param t = fn.params[fn.num_in - 1];
      if (fn.variadic && num_in - 1 < num_fixed) t = fn.params[num_in - 1];
      argv[i] = validate_type(*final_v, &t);
    }
    Value result;
    std::string err;
    if (!fn.impl(argv, result, err)) {
      at(node);
      errorf("error calling " + name + ": " + err);
    }
    return result;
  }

  // typ == nullptr models Go's nil reflect.Type.
  Value validate_type(const Value& value, const Param* typ) {
    if (value.kind == Kind::Invalid) {
      if (typ == nullptr) return Value();
      if (*typ == Param::Value || *typ == Param::Iface) return Value();
      errorf("invalid value; expected string");
    }
    if (typ == nullptr || *typ == Param::Value) return value;
    if (*typ == Param::Iface) return value.unboxed();
    // string parameter
    if (value.kind == Kind::String) {
      Value v = value;
      v.boxed = false;
      return v;
    }
    const char* got = value.kind == Kind::Nil ? "interface {}" : go_type_name(value);
    errorf(std::string("wrong type for value; expected string; got ") + got);
  }

  Value eval_arg(const Value& dot, const Param* typ, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::Dot: return validate_type(dot, typ);
      case NodeType::Nil:
        if (typ == nullptr || *typ != Param::String) return Value();
        errorf("cannot assign nil to string");
      case NodeType::Field: {
        static const Args one_arg = [] {
          Args a;
          a.push_back(nullptr);
          return a;
        }();
        return validate_type(eval_field_node(dot, static_cast<const FieldNode*>(n), &one_arg, nullptr), typ);
      }
      case NodeType::Variable:
        return validate_type(eval_variable_node(dot, static_cast<const VariableNode*>(n), nullptr, nullptr), typ);
      case NodeType::Pipe:
        check_stack();
        return validate_type(eval_pipeline(dot, static_cast<const PipeNode*>(n)), typ);
      case NodeType::Identifier:
        return validate_type(
            eval_function(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr), typ);
      case NodeType::Chain:
        return validate_type(eval_chain_node(dot, static_cast<const ChainNode*>(n), nullptr, nullptr), typ);
      default: break;
    }
    if (typ != nullptr && *typ == Param::String) {
      at(n);
      if (n->type == NodeType::String) return Value::of_sv(static_cast<const StringNode*>(n)->text);
      errorf("expected string; found " + n->str());
    }
    return eval_empty_interface(dot, n);
  }

  Value eval_empty_interface(const Value& dot, const Node* n) {
    at(n);
    switch (n->type) {
      case NodeType::Bool: return Value::of_bool(static_cast<const BoolNode*>(n)->value);
      case NodeType::Dot: return dot;
      case NodeType::Field: return eval_field_node(dot, static_cast<const FieldNode*>(n), nullptr, nullptr);
      case NodeType::Identifier:
        return eval_function(dot, static_cast<const IdentifierNode*>(n), n, nullptr, nullptr);
      case NodeType::Nil: errorf("evalEmptyInterface: nil (can't happen)");
      case NodeType::Number: return ideal_constant(static_cast<const NumberNode*>(n));
      case NodeType::String: return Value::of_sv(static_cast<const StringNode*>(n)->text);
      case NodeType::Variable: return eval_variable_node(dot, static_cast<const VariableNode*>(n), nullptr, nullptr);
      case NodeType::Pipe: return eval_pipeline(dot, static_cast<const PipeNode*>(n));
      default: break;
    }
    errorf("can't handle assignment of " + n->str() + " to empty interface argument");
  }

  void print_value(const Node* n, const Value& v) {
    at(n);
    if (v.kind == Kind::Invalid || v.kind == Kind::Nil) {
      if (opt_.missing != MissingKey::Empty) out_ += "<no value>";
    } else {
      gofmt::print_v(out_, v);
    }
    check_output();
  }
};

}  // namespace

Status execute_to(std::string& out, const Template& t, const nlohmann::json& data, const ExecOptions& options) {
  const Template::Tree* tree = t.lookup(t.name());
  if (tree == nullptr || !tree->root)
    return Error{"template: " + t.name() + ": " + gofmt::quote(t.name()) + " is an incomplete or empty template"};
  State st(t, tree, options, out);
  gofmt::FormatLimit limit(options.max_output);
  try {
    st.run(Value::from_json(data, false));
  } catch (const ExecError& e) {
    return Error{e.message};
  }
  return {};
}

Result<std::string> execute(const Template& t, const nlohmann::json& data, const ExecOptions& options) {
  std::string out;
  Status s = execute_to(out, t, data, options);
  if (!s) return s.error();
  return out;
}

Result<std::string> execute(const Template& t, const nlohmann::json& data, MissingKey mode) {
  ExecOptions o;
  o.missing = mode;
  return execute(t, data, o);
}

}  // namespace tako::tmpl
