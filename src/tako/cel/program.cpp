// Planner (name resolution, function checking) and the evaluation nodes.
#include <algorithm>
#include <cmath>

#include <re2/re2.h>

#include "tako/cel/ast.h"
#include "tako/cel/cel.h"
#include "tako/cel/interp.h"
#include "tako/cel/numeric.h"

namespace tako::cel {

// ---------------------------------------------------------------------------
// Env / Activation / JSON conversion

Env& Env::declare(std::string name) {
  if (!declared(name)) vars_.push_back(std::move(name));
  return *this;
}
Env& Env::set_container(std::string name) {
  container_ = std::move(name);
  return *this;
}
Env& Env::set_strict(bool strict) {
  strict_ = strict;
  return *this;
}
bool Env::declared(std::string_view name) const {
  return std::find(vars_.begin(), vars_.end(), name) != vars_.end();
}

Activation& Activation::set(std::string name, Value value) {
  value.own();
  for (auto& [n, v] : vars_) {
    if (n == name) {
      v = std::move(value);
      return *this;
    }
  }
  vars_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Activation& Activation::set_json(std::string name, const nlohmann::json& value) {
  return set(std::move(name), from_json(value));
}

const Value* Activation::find(std::string_view name) const {
  for (const auto& [n, v] : vars_)
    if (n.size() == name.size() && n == name) return &v;
  return nullptr;
}

Value from_json(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value::null();
    case nlohmann::json::value_t::boolean: return Value::boolean(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return Value::integer(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.get<uint64_t>();
      if (u <= static_cast<uint64_t>(INT64_MAX)) return Value::integer(static_cast<int64_t>(u));
      return Value::dbl(static_cast<double>(u));
    }
    case nlohmann::json::value_t::number_float: return Value::dbl(j.get<double>());
    case nlohmann::json::value_t::string: return Value::string(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(from_json(e));
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      std::vector<std::pair<Value, Value>> entries;
      entries.reserve(j.size());
      for (auto it = j.begin(); it != j.end(); ++it) entries.emplace_back(Value::string(it.key()), from_json(*it));
      return Value::map(std::move(entries));
    }
    case nlohmann::json::value_t::binary: {
      const auto& b = j.get_binary();
      return Value::bytes(std::string(b.begin(), b.end()));
    }
    default: return Value::null();
  }
}

// ---------------------------------------------------------------------------
// Nodes

namespace {

Value key_error(const Value& k) {
  std::string s;
  switch (k.kind()) {
    case Kind::String: s = std::string(k.str()); break;
    case Kind::Int: s = std::to_string(k.as_int()); break;
    case Kind::Uint: s = std::to_string(k.as_uint()) + "u"; break;
    case Kind::Bool: s = k.as_bool() ? "true" : "false"; break;
    case Kind::Double: s = format_double(k.as_double()); break;
    default: s = std::string(type_name(k.type_of())); break;
  }
  return Value::error("no such key: " + s);
}

// Child of a container: borrowed when the container is borrowed or inline-held
// by someone else for the whole evaluation, owned otherwise.
inline Value child_of(const Value& container, const Value& child) {
  return container.is_borrowed() ? child.borrowed() : Value(child);
}

Value opt_select(const Value& operand, std::string_view field);
Value opt_index(const Value& operand, const Value& idx);

Value select_field(const Value& operand, std::string_view field) {
  if (operand.is(Kind::Optional)) return opt_select(operand, field);
  if (operand.is(Kind::Map)) {
    const Value* v = operand.map_rep().find_string(field);
    if (!v) return Value::error("no such key: " + std::string(field));
    return child_of(operand, *v);
  }
  if (operand.is_error()) return operand;
  return Value::error("type '" + std::string(type_name(operand.type_of())) + "' does not support field selection");
}

Value index_value(const Value& operand, const Value& idx) {
  if (operand.is_error()) return operand;
  if (idx.is_error()) return idx;
  if (operand.is(Kind::Optional)) return opt_index(operand, idx);
  if (operand.is(Kind::List)) {
    const auto& items = operand.list_items();
    int64_t i;
    if (idx.is(Kind::Int)) {
      i = idx.as_int();
    } else if (idx.is(Kind::Uint)) {
      if (idx.as_uint() > static_cast<uint64_t>(INT64_MAX)) return Value::error("index out of range");
      i = static_cast<int64_t>(idx.as_uint());
    } else if (idx.is(Kind::Double)) {
      double d = idx.as_double();
      if (std::trunc(d) != d || !(d >= -9.2e18 && d <= 9.2e18)) return Value::error("invalid_argument: index must be an integer");
      i = static_cast<int64_t>(d);
    } else {
      return no_such_overload();
    }
    if (i < 0 || static_cast<uint64_t>(i) >= items.size())
      return Value::error("index out of range: " + std::to_string(i));
    return child_of(operand, items[static_cast<size_t>(i)]);
  }
  if (operand.is(Kind::Map)) {
    const Value* v = operand.map_rep().find(idx);
    if (!v) return key_error(idx);
    return child_of(operand, *v);
  }
  return no_such_overload();
}

// `x.?f`: optional.of(x.f) when x is a map with key f, optional.none() when
// not; optionals chain (none stays none).
Value opt_select(const Value& operand, std::string_view field) {
  if (operand.is(Kind::Optional)) {
    if (!operand.optional_has()) return operand;
    const Value& inner = operand.optional_value();
    if (inner.is(Kind::Map)) return opt_select(inner, field);
    return select_field(inner, field);
  }
  if (operand.is(Kind::Map)) {
    const Value* v = operand.map_rep().find_string(field);
    return v ? Value::optional_of(*v) : Value::optional_none();
  }
  if (operand.is_error()) return operand;
  return select_field(operand, field);
}

Value opt_index(const Value& operand, const Value& idx) {
  if (operand.is_error()) return operand;
  if (idx.is_error()) return idx;
  if (operand.is(Kind::Optional)) {
    if (!operand.optional_has()) return operand;
    return opt_index(operand.optional_value(), idx);
  }
  if (operand.is(Kind::Map)) {
    const Value* v = operand.map_rep().find(idx);
    return v ? Value::optional_of(*v) : Value::optional_none();
  }
  if (operand.is(Kind::List)) {
    Value v = index_value(operand, idx);
    if (v.is_error()) {
      if (idx.is(Kind::Int) || idx.is(Kind::Uint) || idx.is(Kind::Double)) return Value::optional_none();
      return v;
    }
    return Value::optional_of(std::move(v));
  }
  return no_such_overload();
}

struct OptSelectNode final : Node {
  NodePtr operand;
  std::string field;
  Value eval(Frame& f) const override { return opt_select(operand->eval(f), field); }
};

struct OptIndexNode final : Node {
  NodePtr operand, index;
  Value eval(Frame& f) const override {
    Value o = operand->eval(f);
    if (o.is_error()) return o;
    return opt_index(o, index->eval(f));
  }
};

// optMap / optFlatMap
struct OptMapNode final : Node {
  bool flat;
  uint32_t slot;
  NodePtr target, body;
  Value eval(Frame& f) const override {
    Value t = target->eval(f);
    if (t.is_error()) return t;
    if (!t.is(Kind::Optional)) return no_such_overload();
    if (!t.optional_has()) return t;
    Value& local = f.locals[slot];
    Value saved = std::move(local);
    local = t.optional_value().borrowed();
    Value out = body->eval(f);
    out.own();
    local = std::move(saved);
    if (out.is_error()) return out;
    if (flat) return out.is(Kind::Optional) ? out : no_such_overload();
    return Value::optional_of(std::move(out));
  }
};

struct ConstNode final : Node {
  Value v;
  explicit ConstNode(Value value) : v(std::move(value)) { v.own(); }
  Value eval(Frame&) const override { return v.borrowed(); }
};

struct VarNode final : Node {
  uint32_t slot;
  std::string name;
  Value eval(Frame& f) const override {
    const Value* p = f.vars[slot];
    if (!p) return Value::error("no value bound for variable '" + name + "'");
    return p->borrowed();
  }
};

struct LocalNode final : Node {
  uint32_t slot;
  Value eval(Frame& f) const override { return f.locals[slot].borrowed(); }
};

struct ErrorNode final : Node {
  std::string message;
  ErrorCode code;
  Value eval(Frame&) const override { return Value::error(message, code); }
};

struct SelectNode final : Node {
  NodePtr operand;
  std::string field;
  Value eval(Frame& f) const override {
    Value o = operand->eval(f);
    return select_field(o, field);
  }
};

struct HasNode final : Node {
  NodePtr operand;
  std::string field;
  Value eval(Frame& f) const override {
    Value o = operand->eval(f);
    if (o.is(Kind::Optional)) {
      if (!o.optional_has()) return Value::boolean(false);
      o = o.optional_value().owned();
    }
    if (o.is(Kind::Map)) return Value::boolean(o.map_rep().find_string(field) != nullptr);
    if (o.is_error()) return o;
    return no_such_overload();
  }
};

struct IndexNode final : Node {
  NodePtr operand, index;
  Value eval(Frame& f) const override {
    Value o = operand->eval(f);
    if (o.is_error()) return o;
    Value i = index->eval(f);
    return index_value(o, i);
  }
};

struct AndNode final : Node {
  NodePtr a, b;
  Value eval(Frame& f) const override {
    Value l = a->eval(f);
    if (l.is(Kind::Bool) && !l.as_bool()) return l;
    Value r = b->eval(f);
    if (r.is(Kind::Bool)) {
      if (!r.as_bool() || l.is(Kind::Bool)) return r;
    }
    if (!l.is(Kind::Bool)) return l.is_error() ? l : no_such_overload();
    return r.is_error() ? r : no_such_overload();
  }
};

struct OrNode final : Node {
  NodePtr a, b;
  Value eval(Frame& f) const override {
    Value l = a->eval(f);
    if (l.is(Kind::Bool) && l.as_bool()) return l;
    Value r = b->eval(f);
    if (r.is(Kind::Bool)) {
      if (r.as_bool() || l.is(Kind::Bool)) return r;
    }
    if (!l.is(Kind::Bool)) return l.is_error() ? l : no_such_overload();
    return r.is_error() ? r : no_such_overload();
  }
};

struct CondNode final : Node {
  NodePtr c, t, e;
  Value eval(Frame& f) const override {
    Value v = c->eval(f);
    if (v.is(Kind::Bool)) return v.as_bool() ? t->eval(f) : e->eval(f);
    return v.is_error() ? v : no_such_overload();
  }
};

struct NotNode final : Node {
  NodePtr a;
  Value eval(Frame& f) const override {
    Value v = a->eval(f);
    if (v.is(Kind::Bool)) return Value::boolean(!v.as_bool());
    return v.is_error() ? v : no_such_overload();
  }
};

struct NegNode final : Node {
  NodePtr a;
  Value eval(Frame& f) const override {
    Value v = a->eval(f);
    switch (v.kind()) {
      case Kind::Int:
        if (v.as_int() == INT64_MIN) return Value::error("integer overflow");
        return Value::integer(-v.as_int());
      case Kind::Double: return Value::dbl(-v.as_double());
      case Kind::Duration: return make_duration_checked(-total_nanos(v));
      case Kind::Error: return v;
      default: return no_such_overload();
    }
  }
};

enum class BinOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, Add, Sub, Mul, Div, Mod, In };

Value compare_op(BinOp op, const Value& l, const Value& r) {
  int c;
  if (is_numeric(l.kind()) && is_numeric(r.kind())) {
    c = numeric_compare(l, r);
    if (c == kUnordered) return Value::boolean(false);
  } else if (l.kind() != r.kind()) {
    return no_such_overload();
  } else {
    switch (l.kind()) {
      case Kind::String:
      case Kind::Bytes: {
        int x = l.str().compare(r.str());
        c = x < 0 ? -1 : (x > 0 ? 1 : 0);
        break;
      }
      case Kind::Bool: c = cmp3(l.as_bool(), r.as_bool()); break;
      case Kind::Timestamp:
      case Kind::Duration:
        c = l.seconds() != r.seconds() ? cmp3(l.seconds(), r.seconds()) : cmp3(l.nanos(), r.nanos());
        break;
      default: return no_such_overload();
    }
  }
  switch (op) {
    case BinOp::Lt: return Value::boolean(c < 0);
    case BinOp::Le: return Value::boolean(c <= 0);
    case BinOp::Gt: return Value::boolean(c > 0);
    default: return Value::boolean(c >= 0);
  }
}

Value arith(BinOp op, const Value& l, const Value& r) {
  Kind k = l.kind();
  if (k != r.kind()) {
    if (op == BinOp::Add) {
      if (k == Kind::Timestamp && r.is(Kind::Duration)) return make_timestamp_checked(total_nanos(l) + total_nanos(r));
      if (k == Kind::Duration && r.is(Kind::Timestamp)) return make_timestamp_checked(total_nanos(l) + total_nanos(r));
    }
    if (op == BinOp::Sub && k == Kind::Timestamp && r.is(Kind::Duration))
      return make_timestamp_checked(total_nanos(l) - total_nanos(r));
    return no_such_overload();
  }
  switch (k) {
    case Kind::Int: {
      int64_t a = l.as_int(), b = r.as_int(), out;
      switch (op) {
        case BinOp::Add:
          if (__builtin_add_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::integer(out);
        case BinOp::Sub:
          if (__builtin_sub_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::integer(out);
        case BinOp::Mul:
          if (__builtin_mul_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::integer(out);
        case BinOp::Div:
          if (b == 0) return Value::error("division by zero");
          if (a == INT64_MIN && b == -1) return Value::error("integer overflow");
          return Value::integer(a / b);
        case BinOp::Mod:
          if (b == 0) return Value::error("modulus by zero");
          if (a == INT64_MIN && b == -1) return Value::error("integer overflow");
          return Value::integer(a % b);
        default: break;
      }
      break;
    }
    case Kind::Uint: {
      uint64_t a = l.as_uint(), b = r.as_uint(), out;
      switch (op) {
        case BinOp::Add:
          if (__builtin_add_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::uinteger(out);
        case BinOp::Sub:
          if (__builtin_sub_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::uinteger(out);
        case BinOp::Mul:
          if (__builtin_mul_overflow(a, b, &out)) return Value::error("integer overflow");
          return Value::uinteger(out);
        case BinOp::Div:
          if (b == 0) return Value::error("division by zero");
          return Value::uinteger(a / b);
        case BinOp::Mod:
          if (b == 0) return Value::error("modulus by zero");
          return Value::uinteger(a % b);
        default: break;
      }
      break;
    }
    case Kind::Double: {
      double a = l.as_double(), b = r.as_double();
      switch (op) {
        case BinOp::Add: return Value::dbl(a + b);
        case BinOp::Sub: return Value::dbl(a - b);
        case BinOp::Mul: return Value::dbl(a * b);
        case BinOp::Div: return Value::dbl(a / b);
        default: break;
      }
      break;
    }
    case Kind::String:
    case Kind::Bytes:
      if (op == BinOp::Add) {
        std::string_view a = l.str(), b = r.str();
        check_size(a.size() + b.size());
        std::string s;
        s.reserve(a.size() + b.size());
        s.append(a).append(b);
        return k == Kind::String ? Value::string(std::move(s)) : Value::bytes(std::move(s));
      }
      break;
    case Kind::List:
      if (op == BinOp::Add) {
        const auto& a = l.list_items();
        const auto& b = r.list_items();
        if (b.empty()) return l.owned();
        if (a.empty()) return r.owned();
        check_size((a.size() + b.size()) * sizeof(Value));
        std::vector<Value> items;
        items.reserve(a.size() + b.size());
        items.insert(items.end(), a.begin(), a.end());
        items.insert(items.end(), b.begin(), b.end());
        return Value::list(std::move(items));
      }
      break;
    case Kind::Duration:
      if (op == BinOp::Add) return make_duration_checked(total_nanos(l) + total_nanos(r));
      if (op == BinOp::Sub) return make_duration_checked(total_nanos(l) - total_nanos(r));
      break;
    case Kind::Timestamp:
      if (op == BinOp::Sub) {
        __int128 d = total_nanos(l) - total_nanos(r);
        // cel-go computes the difference as int64 nanoseconds.
        if (d > static_cast<__int128>(INT64_MAX) || d < static_cast<__int128>(INT64_MIN))
          return Value::error("duration out of range");
        return make_duration_checked(d);
      }
      break;
    default: break;
  }
  return no_such_overload();
}

Value in_op(const Value& l, const Value& r) {
  if (r.is(Kind::List)) {
    for (const Value& e : r.list_items())
      if (values_equal(l, e)) return Value::boolean(true);
    return Value::boolean(false);
  }
  if (r.is(Kind::Map)) return Value::boolean(r.map_rep().find(l) != nullptr);
  return no_such_overload();
}

template <BinOp op>
struct BinNode final : Node {
  NodePtr a, b;
  Value eval(Frame& f) const override {
    Value l = a->eval(f);
    Value r = b->eval(f);
    if (l.is_error()) return l;
    if (r.is_error()) return r;
    if constexpr (op == BinOp::Eq) return Value::boolean(values_equal(l, r));
    else if constexpr (op == BinOp::Ne) return Value::boolean(!values_equal(l, r));
    else if constexpr (op == BinOp::Lt || op == BinOp::Le || op == BinOp::Gt || op == BinOp::Ge)
      return compare_op(op, l, r);
    else if constexpr (op == BinOp::In) return in_op(l, r);
    else return arith(op, l, r);
  }
};

// `expr == "literal string"`: avoids a generic equality dispatch.
struct EqStringNode final : Node {
  NodePtr a;
  std::string s;
  bool negate;
  Value eval(Frame& f) const override {
    Value l = a->eval(f);
    if (l.is(Kind::String)) return Value::boolean((l.str() == s) != negate);
    if (l.is_error()) return l;
    return Value::boolean(negate);
  }
};

struct ListNode final : Node {
  std::vector<NodePtr> elems;
  std::vector<bool> optional;  // empty or one flag per element
  Value eval(Frame& f) const override {
    std::vector<Value> items;
    items.reserve(elems.size());
    for (size_t i = 0; i < elems.size(); ++i) {
      Value v = elems[i]->eval(f);
      if (v.is_error()) return v;
      if (!optional.empty() && optional[i]) {
        if (!v.is(Kind::Optional)) return no_such_overload();
        if (!v.optional_has()) continue;
        v = v.optional_value().owned();
      }
      items.push_back(std::move(v));
    }
    return Value::list(std::move(items));
  }
};

struct MapNode final : Node {
  std::vector<NodePtr> kv;
  std::vector<bool> optional;  // empty or one flag per entry
  Value eval(Frame& f) const override {
    std::vector<std::pair<Value, Value>> entries;
    entries.reserve(kv.size() / 2);
    for (size_t i = 0; i < kv.size(); i += 2) {
      Value k = kv[i]->eval(f);
      if (k.is_error()) return k;
      Value v = kv[i + 1]->eval(f);
      if (v.is_error()) return v;
      if (!optional.empty() && optional[i / 2]) {
        if (!v.is(Kind::Optional)) return no_such_overload();
        if (!v.optional_has()) continue;
        v = v.optional_value().owned();
      }
      entries.emplace_back(std::move(k), std::move(v));
    }
    return Value::map(std::move(entries));
  }
};

struct CallNode final : Node {
  Fn fn;
  std::vector<NodePtr> args;
  Value eval(Frame& f) const override {
    Value buf[4];
    std::vector<Value> big;
    Value* vals = buf;
    size_t n = args.size();
    if (n > 4) {
      big.resize(n);
      vals = big.data();
    }
    for (size_t i = 0; i < n; ++i) {
      vals[i] = args[i]->eval(f);
      if (vals[i].is_error()) return vals[i];
    }
    return fn(vals, n);
  }
};

struct MatchesConstNode final : Node {
  NodePtr subject;
  std::unique_ptr<RE2> re;
  std::string re_error;
  Value eval(Frame& f) const override {
    Value s = subject->eval(f);
    if (s.is_error()) return s;
    if (!s.is(Kind::String)) return no_such_overload();
    if (!re) return Value::error(re_error);
    re2::StringPiece sp(s.str().data(), s.str().size());
    return Value::boolean(RE2::PartialMatch(sp, *re));
  }
};

// cel.block([e0, e1, ...], body): binds each entry (errors included, so an
// unused failing entry is harmless) to consecutive locals.
struct BlockNode final : Node {
  uint32_t first_slot;
  std::vector<NodePtr> entries;
  NodePtr body;
  Value eval(Frame& f) const override {
    std::vector<Value> saved;
    saved.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      Value v = entries[i]->eval(f);
      v.own();
      Value& slot = f.locals[first_slot + i];
      saved.push_back(std::move(slot));
      slot = std::move(v);
    }
    Value out = body->eval(f);
    out.own();
    for (size_t i = entries.size(); i-- > 0;) f.locals[first_slot + i] = std::move(saved[i]);
    return out;
  }
};

// cel.bind(name, init, body): evaluates init once and binds it to a local.
struct BindNode final : Node {
  uint32_t slot;
  NodePtr init, body;
  Value eval(Frame& f) const override {
    Value v = init->eval(f);
    Value& local = f.locals[slot];
    Value saved = std::move(local);
    local = std::move(v);
    Value out = body->eval(f);
    out.own();  // may borrow from the bound value
    local = std::move(saved);
    return out;
  }
};

struct ComprehensionNode final : Node {
  MacroKind kind;
  uint32_t slot;
  uint32_t slot2 = 0;
  NodePtr range, pred, transform;

  static void tick(Frame& f) {
    if (++f.iterations > kMaxIterations) throw CostLimitExceeded{};
  }

  Value eval(Frame& f) const override {
    Value r = range->eval(f);
    if (r.is_error()) return r;
    const std::vector<Value>* list = nullptr;
    const std::vector<std::pair<Value, Value>>* entries = nullptr;
    size_t count;
    if (r.is(Kind::List)) {
      list = &r.list_items();
      count = list->size();
    } else if (r.is(Kind::Map)) {
      entries = &r.map_rep().entries;
      count = entries->size();
    } else {
      return no_such_overload();
    }
    auto item = [&](size_t i) -> const Value& { return list ? (*list)[i] : (*entries)[i].first; };
    Value& local = f.locals[slot];
    struct Reset {
      Value& v;
      ~Reset() { v = Value(); }
    } reset{local};
    switch (kind) {
      case MacroKind::All2:
      case MacroKind::Exists2:
      case MacroKind::ExistsOne2:
      case MacroKind::TransformList:
      case MacroKind::TransformListFilter:
      case MacroKind::TransformMap:
      case MacroKind::TransformMapFilter:
        return eval_two(f, list, entries, count);
      default: break;
    }
    switch (kind) {
      case MacroKind::All:
      case MacroKind::Exists: {
        bool stop_on = kind == MacroKind::Exists;
        Value err;
        bool has_err = false;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          local = item(i).borrowed();
          Value v = pred->eval(f);
          if (v.is(Kind::Bool)) {
            if (v.as_bool() == stop_on) return v;
          } else if (!has_err) {
            has_err = true;
            err = v.is_error() ? std::move(v) : no_such_overload();
          }
        }
        if (has_err) return err;
        return Value::boolean(!stop_on);
      }
      case MacroKind::ExistsOne: {
        size_t n = 0;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          local = item(i).borrowed();
          Value v = pred->eval(f);
          if (v.is(Kind::Bool)) {
            if (v.as_bool()) ++n;
          } else {
            return v.is_error() ? v : no_such_overload();
          }
        }
        return Value::boolean(n == 1);
      }
      case MacroKind::Map:
      case MacroKind::MapFilter:
      case MacroKind::Filter: {
        std::vector<Value> out;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          local = item(i).borrowed();
          if (kind != MacroKind::Map) {
            Value p = pred->eval(f);
            if (!p.is(Kind::Bool)) return p.is_error() ? p : no_such_overload();
            if (!p.as_bool()) continue;
          }
          if (kind == MacroKind::Filter) {
            out.push_back(item(i));
          } else {
            Value v = transform->eval(f);
            if (v.is_error()) return v;
            out.push_back(std::move(v));
          }
          check_size(out.size() * sizeof(Value));
        }
        return Value::list(std::move(out));
      }
      default: break;
    }
    return no_such_overload();
  }

  Value eval_two(Frame& f, const std::vector<Value>* list, const std::vector<std::pair<Value, Value>>* entries,
                 size_t count) const {
    Value& k = f.locals[slot];
    Value& v = f.locals[slot2];
    struct Reset {
      Value& v;
      ~Reset() { v = Value(); }
    } reset{v};
    auto bind = [&](size_t i) {
      if (list) {
        k = Value::integer(static_cast<int64_t>(i));
        v = (*list)[i].borrowed();
      } else {
        k = (*entries)[i].first.borrowed();
        v = (*entries)[i].second.borrowed();
      }
    };
    bool to_map = kind == MacroKind::TransformMap || kind == MacroKind::TransformMapFilter;
    bool filter = kind == MacroKind::TransformListFilter || kind == MacroKind::TransformMapFilter;
    switch (kind) {
      case MacroKind::All2:
      case MacroKind::Exists2: {
        bool stop_on = kind == MacroKind::Exists2;
        Value err;
        bool has_err = false;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          bind(i);
          Value r = pred->eval(f);
          if (r.is(Kind::Bool)) {
            if (r.as_bool() == stop_on) return r;
          } else if (!has_err) {
            has_err = true;
            err = r.is_error() ? std::move(r) : no_such_overload();
          }
        }
        if (has_err) return err;
        return Value::boolean(!stop_on);
      }
      case MacroKind::ExistsOne2: {
        size_t n = 0;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          bind(i);
          Value r = pred->eval(f);
          if (!r.is(Kind::Bool)) return r.is_error() ? r : no_such_overload();
          if (r.as_bool()) ++n;
        }
        return Value::boolean(n == 1);
      }
      default: {
        std::vector<Value> out;
        std::vector<std::pair<Value, Value>> map_out;
        for (size_t i = 0; i < count; ++i) {
          tick(f);
          bind(i);
          if (filter) {
            Value p = pred->eval(f);
            if (!p.is(Kind::Bool)) return p.is_error() ? p : no_such_overload();
            if (!p.as_bool()) continue;
          }
          Value r = transform->eval(f);
          if (r.is_error()) return r;
          r.own();
          if (to_map) {
            map_out.emplace_back(k.owned(), std::move(r));
            check_size(map_out.size() * 2 * sizeof(Value));
          } else {
            out.push_back(std::move(r));
            check_size(out.size() * sizeof(Value));
          }
        }
        if (to_map) return Value::map(std::move(map_out));
        return Value::list(std::move(out));
      }
    }
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// Planner

struct ProgramImpl {
  std::string source;
  NodePtr root;
  std::vector<std::string> var_names;  // slot -> declared name
  uint32_t max_locals = 0;
  bool strict = true;
  std::vector<Reference> refs;
};

namespace {

struct TypeName {
  std::string_view name;
  TypeKind kind;
};
constexpr TypeName kTypeNames[] = {
    {"int", TypeKind::Int},         {"uint", TypeKind::Uint},
    {"double", TypeKind::Double},   {"bool", TypeKind::Bool},
    {"string", TypeKind::String},   {"bytes", TypeKind::Bytes},
    {"list", TypeKind::List},       {"map", TypeKind::Map},
    {"null_type", TypeKind::Null},  {"type", TypeKind::Type},
    {"google.protobuf.Timestamp", TypeKind::Timestamp},
    {"google.protobuf.Duration", TypeKind::Duration},
    {"optional_type", TypeKind::Optional},
    {"net.IP", TypeKind::IP},
    {"net.CIDR", TypeKind::CIDR},
};

struct PlanError {
  std::string message;
};

class Planner {
 public:
  Planner(const Env& env, ProgramImpl& prog, std::string_view src) : env_(env), prog_(prog), src_(src) {}

  // Returns nullptr and sets error_ on failure (strict mode only).
  NodePtr plan(const Expr& e) {
    switch (e.type) {
      case Expr::Type::Literal: return std::make_unique<ConstNode>(e.literal);
      case Expr::Type::Ident: return plan_chain(e);
      case Expr::Type::Select:
        if (e.optional_op) {
          auto n = std::make_unique<OptSelectNode>();
          if (!(n->operand = plan(*e.args[0]))) return nullptr;
          n->field = e.name;
          return n;
        }
        return plan_chain(e);
      case Expr::Type::List: return plan_list(e);
      case Expr::Type::Map: return plan_map(e);
      case Expr::Type::Comprehension: return plan_comprehension(e);
      case Expr::Type::Call: return plan_call(e);
    }
    return nullptr;
  }

  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

 private:
  struct Seg {
    std::string_view name;
    bool index;  // a['name']
  };

  NodePtr fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    return nullptr;
  }

  NodePtr unresolved(std::string msg) {
    if (env_.strict()) return fail(std::move(msg));
    auto n = std::make_unique<ErrorNode>();
    n->message = std::move(msg);
    n->code = ErrorCode::Unresolved;
    return n;
  }

  static bool is_string_index(const Expr& e) {
    return e.type == Expr::Type::Call && e.name == "_[_]" && !e.has_target && e.args.size() == 2 &&
           e.args[1]->type == Expr::Type::Literal && e.args[1]->literal.is(Kind::String);
  }

  int local_slot(std::string_view name) const {
    for (size_t i = scopes_.size(); i-- > 0;)
      if (scopes_[i] == name) return static_cast<int>(i);
    return -1;
  }

  // Container-qualified candidates for `name`, most qualified first.
  std::vector<std::string> candidates(const std::string& name, bool leading_dot) const {
    std::vector<std::string> out;
    if (!leading_dot) {
      std::string c = env_.container();
      while (!c.empty()) {
        out.push_back(c + "." + name);
        size_t dot = c.rfind('.');
        c = dot == std::string::npos ? std::string() : c.substr(0, dot);
      }
    }
    out.push_back(name);
    return out;
  }

  uint32_t var_slot(const std::string& name) {
    for (size_t i = 0; i < prog_.var_names.size(); ++i)
      if (prog_.var_names[i] == name) return static_cast<uint32_t>(i);
    prog_.var_names.push_back(name);
    return static_cast<uint32_t>(prog_.var_names.size() - 1);
  }

  // Resolves an identifier chain root.seg1.seg2... Returns the base node and the
  // number of segments consumed (0 = only the root).
  NodePtr resolve_root(const Expr& root, const std::vector<Seg>& segs, size_t& consumed,
                       std::string* var_name) {
    consumed = 0;
    if (!root.leading_dot) {
      int slot = local_slot(root.name);
      if (slot >= 0) {
        auto n = std::make_unique<LocalNode>();
        n->slot = static_cast<uint32_t>(slot);
        return n;
      }
    }
    // qualified prefixes: root + leading non-index segments
    size_t max_q = 0;
    while (max_q < segs.size() && !segs[max_q].index) ++max_q;
    for (size_t q = max_q + 1; q-- > 0;) {
      std::string name(root.name);
      for (size_t i = 0; i < q; ++i) name.append(".").append(segs[i].name);
      for (const std::string& cand : candidates(name, root.leading_dot)) {
        if (env_.declared(cand)) {
          consumed = q;
          auto n = std::make_unique<VarNode>();
          n->slot = var_slot(cand);
          n->name = cand;
          if (var_name) *var_name = cand;
          return n;
        }
      }
    }
    for (size_t q = max_q + 1; q-- > 0;) {
      std::string name(root.name);
      for (size_t i = 0; i < q; ++i) name.append(".").append(segs[i].name);
      for (const auto& t : kTypeNames) {
        if (t.name == name) {
          consumed = q;
          return std::make_unique<ConstNode>(Value::type(t.kind));
        }
      }
    }
    return nullptr;
  }

  NodePtr plan_chain(const Expr& top) {
    // Flatten Select / constant-string index chain.
    std::vector<Seg> segs;
    const Expr* e = &top;
    bool test_only = top.type == Expr::Type::Select && top.test_only;
    while (true) {
      if (e->type == Expr::Type::Select && !e->optional_op && (e == &top || !e->test_only)) {
        segs.push_back({e->name, false});
        e = e->args[0].get();
      } else if (is_string_index(*e)) {
        segs.push_back({e->args[1]->literal.str(), true});
        e = e->args[0].get();
      } else {
        break;
      }
    }
    std::reverse(segs.begin(), segs.end());
    // For has(), the last segment is the tested field.
    size_t usable = test_only ? segs.size() - 1 : segs.size();
    std::vector<Seg> chain(segs.begin(), segs.begin() + static_cast<std::ptrdiff_t>(usable));
    NodePtr base;
    size_t consumed = 0;
    if (e->type == Expr::Type::Ident) {
      std::string var;
      base = resolve_root(*e, chain, consumed, &var);
      if (!base) {
        if (e->name == "dyn" && !e->leading_dot) return unresolved("undeclared reference to 'dyn'");
        return unresolved("undeclared reference to '" + e->name + "'");
      }
      if (!var.empty()) {
        Reference ref;
        size_t start = 0;
        while (true) {
          size_t dot = var.find('.', start);
          ref.path.push_back(var.substr(start, dot - start));
          if (dot == std::string::npos) break;
          start = dot + 1;
        }
        for (size_t i = consumed; i < segs.size(); ++i) ref.path.emplace_back(segs[i].name);
        auto [line, col] = line_col(src_, e->pos);
        ref.line = line;
        ref.column = col;
        add_ref(std::move(ref));
      }
    } else {
      base = plan(*e);
      if (!base) return nullptr;
    }
    for (size_t i = consumed; i < chain.size(); ++i) {
      if (chain[i].index) {
        auto n = std::make_unique<IndexNode>();
        n->operand = std::move(base);
        n->index = std::make_unique<ConstNode>(Value::string(chain[i].name));
        base = std::move(n);
      } else {
        auto n = std::make_unique<SelectNode>();
        n->operand = std::move(base);
        n->field = std::string(chain[i].name);
        base = std::move(n);
      }
    }
    if (test_only) {
      auto n = std::make_unique<HasNode>();
      n->operand = std::move(base);
      n->field = std::string(segs.back().name);
      return n;
    }
    return base;
  }

  void add_ref(Reference ref) {
    for (const auto& r : prog_.refs)
      if (r.path == ref.path) return;
    prog_.refs.push_back(std::move(ref));
  }

  static bool any_optional(const Expr& e) {
    for (bool b : e.optional_entries)
      if (b) return true;
    return false;
  }

  NodePtr plan_list(const Expr& e) {
    bool all_const = !any_optional(e);
    for (const auto& a : e.args) all_const = all_const && a->type == Expr::Type::Literal;
    if (all_const) {
      std::vector<Value> items;
      for (const auto& a : e.args) items.push_back(a->literal);
      return std::make_unique<ConstNode>(Value::list(std::move(items)));
    }
    auto n = std::make_unique<ListNode>();
    if (any_optional(e)) n->optional = e.optional_entries;
    for (const auto& a : e.args) {
      NodePtr p = plan(*a);
      if (!p) return nullptr;
      n->elems.push_back(std::move(p));
    }
    return n;
  }

  NodePtr plan_map(const Expr& e) {
    bool all_const = !any_optional(e);
    for (const auto& a : e.args) all_const = all_const && a->type == Expr::Type::Literal;
    if (all_const) {
      std::vector<std::pair<Value, Value>> entries;
      for (size_t i = 0; i < e.args.size(); i += 2) entries.emplace_back(e.args[i]->literal, e.args[i + 1]->literal);
      return std::make_unique<ConstNode>(Value::map(std::move(entries)));
    }
    auto n = std::make_unique<MapNode>();
    if (any_optional(e)) n->optional = e.optional_entries;
    for (const auto& a : e.args) {
      NodePtr p = plan(*a);
      if (!p) return nullptr;
      n->kv.push_back(std::move(p));
    }
    return n;
  }

  NodePtr plan_comprehension(const Expr& e) {
    if (e.macro == MacroKind::Block) {
      auto b = std::make_unique<BlockNode>();
      size_t n = e.args.size() - 1;
      size_t depth = scopes_.size();
      b->first_slot = static_cast<uint32_t>(depth);
      for (size_t i = 0; i < n; ++i) {
        NodePtr p = plan(*e.args[i]);
        if (!p) {
          scopes_.resize(depth);
          return nullptr;
        }
        b->entries.push_back(std::move(p));
        scopes_.push_back("@index:" + std::to_string(i));
        prog_.max_locals = std::max<uint32_t>(prog_.max_locals, static_cast<uint32_t>(scopes_.size()));
      }
      b->body = plan(*e.args[n]);
      scopes_.resize(depth);
      if (!b->body) return nullptr;
      return b;
    }
    if (e.macro == MacroKind::OptMap || e.macro == MacroKind::OptFlatMap) {
      auto o = std::make_unique<OptMapNode>();
      o->flat = e.macro == MacroKind::OptFlatMap;
      if (!(o->target = plan(*e.args[0]))) return nullptr;
      scopes_.push_back(e.name);
      o->slot = static_cast<uint32_t>(scopes_.size() - 1);
      prog_.max_locals = std::max<uint32_t>(prog_.max_locals, static_cast<uint32_t>(scopes_.size()));
      o->body = plan(*e.args[1]);
      scopes_.pop_back();
      if (!o->body) return nullptr;
      return o;
    }
    if (e.macro == MacroKind::Bind) {
      auto b = std::make_unique<BindNode>();
      b->init = plan(*e.args[0]);
      if (!b->init) return nullptr;
      scopes_.push_back(e.name);
      b->slot = static_cast<uint32_t>(scopes_.size() - 1);
      prog_.max_locals = std::max<uint32_t>(prog_.max_locals, static_cast<uint32_t>(scopes_.size()));
      b->body = plan(*e.args[1]);
      scopes_.pop_back();
      if (!b->body) return nullptr;
      return b;
    }
    auto n = std::make_unique<ComprehensionNode>();
    n->kind = e.macro;
    n->range = plan(*e.args[0]);
    if (!n->range) return nullptr;
    scopes_.push_back(e.name);
    n->slot = static_cast<uint32_t>(scopes_.size() - 1);
    bool two = !e.name2.empty();
    if (two) {
      scopes_.push_back(e.name2);
      n->slot2 = static_cast<uint32_t>(scopes_.size() - 1);
    }
    prog_.max_locals = std::max<uint32_t>(prog_.max_locals, static_cast<uint32_t>(scopes_.size()));
    if (two) {
      bool filter = e.macro == MacroKind::TransformListFilter || e.macro == MacroKind::TransformMapFilter;
      bool transform = filter || e.macro == MacroKind::TransformList || e.macro == MacroKind::TransformMap;
      if (filter) {
        n->pred = plan(*e.args[1]);
        if (n->pred) n->transform = plan(*e.args[2]);
      } else if (transform) {
        n->transform = plan(*e.args[1]);
      } else {
        n->pred = plan(*e.args[1]);
      }
      scopes_.pop_back();
    } else if (e.macro == MacroKind::Map) {
      n->transform = plan(*e.args[1]);
    } else if (e.macro == MacroKind::MapFilter) {
      n->pred = plan(*e.args[1]);
      if (n->pred) n->transform = plan(*e.args[2]);
    } else {
      n->pred = plan(*e.args[1]);
    }
    scopes_.pop_back();
    if (failed()) return nullptr;
    return n;
  }

  // Qualified name of a pure identifier chain (a.b.c), or "" if not one.
  static std::string chain_name(const Expr& e, bool& leading_dot) {
    if (e.type == Expr::Type::Ident) {
      leading_dot = e.leading_dot;
      return e.name;
    }
    if (e.type == Expr::Type::Select && !e.test_only) {
      std::string base = chain_name(*e.args[0], leading_dot);
      if (base.empty()) return base;
      return base + "." + e.name;
    }
    return {};
  }

  bool chain_is_variable(const Expr& e) {
    const Expr* r = &e;
    while (r->type == Expr::Type::Select) r = r->args[0].get();
    if (r->type != Expr::Type::Ident) return false;
    if (!r->leading_dot && local_slot(r->name) >= 0) return true;
    bool dot = false;
    std::string q = chain_name(e, dot);
    // any prefix declared?
    std::string prefix;
    size_t start = 0;
    while (true) {
      size_t d = q.find('.', start);
      prefix = q.substr(0, d);
      for (const auto& c : candidates(prefix, dot))
        if (env_.declared(c)) return true;
      if (d == std::string::npos) break;
      start = d + 1;
    }
    return false;
  }

  NodePtr plan_args(const Expr& e, size_t from, std::vector<NodePtr>& out) {
    for (size_t i = from; i < e.args.size(); ++i) {
      NodePtr p = plan(*e.args[i]);
      if (!p) return nullptr;
      out.push_back(std::move(p));
    }
    return std::make_unique<ConstNode>(Value());  // non-null marker
  }

  NodePtr plan_call(const Expr& e) {
    const std::string& name = e.name;
    if (!e.has_target) {
      // operators
      if (name == "_&&_" || name == "_||_") {
        NodePtr a = plan(*e.args[0]);
        if (!a) return nullptr;
        NodePtr b = plan(*e.args[1]);
        if (!b) return nullptr;
        if (name == "_&&_") {
          auto n = std::make_unique<AndNode>();
          n->a = std::move(a);
          n->b = std::move(b);
          return n;
        }
        auto n = std::make_unique<OrNode>();
        n->a = std::move(a);
        n->b = std::move(b);
        return n;
      }
      if (name == "_?_:_") {
        auto n = std::make_unique<CondNode>();
        if (!(n->c = plan(*e.args[0])) || !(n->t = plan(*e.args[1])) || !(n->e = plan(*e.args[2]))) return nullptr;
        return n;
      }
      if (name == "!_") {
        auto n = std::make_unique<NotNode>();
        if (!(n->a = plan(*e.args[0]))) return nullptr;
        return n;
      }
      if (name == "-_") {
        auto n = std::make_unique<NegNode>();
        if (!(n->a = plan(*e.args[0]))) return nullptr;
        return n;
      }
      if (name == "_[?_]") {
        auto n = std::make_unique<OptIndexNode>();
        if (!(n->operand = plan(*e.args[0])) || !(n->index = plan(*e.args[1]))) return nullptr;
        return n;
      }
      if (name == "_[_]") {
        if (is_string_index(e)) return plan_chain(e);
        auto n = std::make_unique<IndexNode>();
        if (!(n->operand = plan(*e.args[0])) || !(n->index = plan(*e.args[1]))) return nullptr;
        return n;
      }
      if ((name == "_==_" || name == "_!=_")) {
        for (int side = 0; side < 2; ++side) {
          const Expr& lit = *e.args[static_cast<size_t>(1 - side)];
          if (lit.type == Expr::Type::Literal && lit.literal.is(Kind::String)) {
            auto n = std::make_unique<EqStringNode>();
            if (!(n->a = plan(*e.args[static_cast<size_t>(side)]))) return nullptr;
            n->s = std::string(lit.literal.str());
            n->negate = name == "_!=_";
            return n;
          }
        }
      }
#define TAKO_CEL_BIN(str, op)                                           \
  if (name == str) {                                                    \
    auto n = std::make_unique<BinNode<op>>();                           \
    if (!(n->a = plan(*e.args[0])) || !(n->b = plan(*e.args[1]))) return nullptr; \
    return n;                                                           \
  }
      TAKO_CEL_BIN("_==_", BinOp::Eq)
      TAKO_CEL_BIN("_!=_", BinOp::Ne)
      TAKO_CEL_BIN("_<_", BinOp::Lt)
      TAKO_CEL_BIN("_<=_", BinOp::Le)
      TAKO_CEL_BIN("_>_", BinOp::Gt)
      TAKO_CEL_BIN("_>=_", BinOp::Ge)
      TAKO_CEL_BIN("_+_", BinOp::Add)
      TAKO_CEL_BIN("_-_", BinOp::Sub)
      TAKO_CEL_BIN("_*_", BinOp::Mul)
      TAKO_CEL_BIN("_/_", BinOp::Div)
      TAKO_CEL_BIN("_%_", BinOp::Mod)
      TAKO_CEL_BIN("@in", BinOp::In)
#undef TAKO_CEL_BIN
      return plan_function(name, e, 0, false);
    }
    // target.name(args): namespaced global function?
    bool dot = false;
    std::string q = chain_name(*e.args[0], dot);
    if (!q.empty() && !chain_is_variable(*e.args[0])) {
      std::string full = q + "." + name;
      if (find_function(full)) return plan_function(full, e, 1, false);
    }
    return plan_function(name, e, 0, true);
  }

  NodePtr plan_function(const std::string& name, const Expr& e, size_t first_arg, bool receiver) {
    const FnDef* def = find_function(name);
    size_t argc = e.args.size() - first_arg - (receiver ? 1 : 0);
    if (!def) return unresolved("undeclared reference to '" + name + "'");
    uint32_t mask = receiver ? def->receiver_arities : def->global_arities;
    if (argc >= 32 || !(mask & (1u << argc)))
      return unresolved("found no matching overload for '" + name + "' applied to " +
                        (receiver ? "a receiver and " : "") + std::to_string(argc) + " argument(s)");
    // `s.matches('literal')`: compile the pattern once.
    if (name == "matches") {
      const Expr* pat = receiver ? e.args[1].get() : (e.args.size() == 2 ? e.args[1].get() : nullptr);
      if (pat && pat->type == Expr::Type::Literal && pat->literal.is(Kind::String)) {
        auto n = std::make_unique<MatchesConstNode>();
        if (!(n->subject = plan(*e.args[0]))) return nullptr;
        RE2::Options opts;
        opts.set_log_errors(false);
        auto re = std::make_unique<RE2>(re2::StringPiece(pat->literal.str().data(), pat->literal.str().size()), opts);
        if (re->ok()) n->re = std::move(re);
        else n->re_error = "invalid regular expression: " + re->error();
        return n;
      }
    }
    auto n = std::make_unique<CallNode>();
    n->fn = def->fn;
    if (!plan_args(e, first_arg, n->args)) return nullptr;
    return n;
  }

  const Env& env_;
  ProgramImpl& prog_;
  std::string_view src_;
  std::vector<std::string> scopes_;
  std::string error_;
};

}  // namespace

Result<Program> compile(std::string_view expression, const Env& env) {
  auto ast = parse(expression);
  if (!ast) return Error{"CEL compilation error: " + ast.error().message};
  auto impl = std::make_shared<ProgramImpl>();
  impl->source = std::string(expression);
  impl->strict = env.strict();
  Planner planner(env, *impl, expression);
  impl->root = planner.plan(**ast);
  if (!impl->root || planner.failed()) return Error{"CEL compilation error: " + planner.error()};
  Program p;
  p.impl_ = std::move(impl);
  return p;
}

const std::string& Program::source() const { return impl_->source; }
const std::vector<Reference>& Program::references() const { return impl_->refs; }

Result<Value> Program::eval(const Activation& activation) const {
  const ProgramImpl& p = *impl_;
  const Value* slots_buf[16];
  std::vector<const Value*> slots_big;
  const Value** slots = slots_buf;
  if (p.var_names.size() > 16) {
    slots_big.resize(p.var_names.size());
    slots = slots_big.data();
  }
  for (size_t i = 0; i < p.var_names.size(); ++i) slots[i] = activation.find(p.var_names[i]);
  Value locals_buf[8];
  std::vector<Value> locals_big;
  Frame f;
  f.vars = slots;
  f.locals = locals_buf;
  if (p.max_locals > 8) {
    locals_big.resize(p.max_locals);
    f.locals = locals_big.data();
  }
  Value out;
  try {
    out = p.root->eval(f);
  } catch (const CostLimitExceeded&) {
    return Error{"CEL evaluation error: cost limit exceeded"};
  } catch (const std::bad_alloc&) {
    return Error{"CEL evaluation error: cost limit exceeded"};
  }
  if (out.is_error()) {
    if (out.error_code() == ErrorCode::Unresolved) return Error{"CEL compilation error: " + out.error_message()};
    return Error{"CEL evaluation error: " + out.error_message()};
  }
  out.own();
  return out;
}

Result<bool> Program::eval_bool(const Activation& activation) const {
  auto v = eval(activation);
  if (!v) return v.error();
  if (!v->is(Kind::Bool))
    return Error{"CEL expression must return boolean, got " + std::string(type_name(v->type_of()))};
  return v->as_bool();
}

}  // namespace tako::cel
