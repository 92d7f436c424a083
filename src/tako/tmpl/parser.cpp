// Parser mirroring Go's text/template/parse (Go 1.19): same grammar, same
// lookahead (hence the same line numbers in errors) and the same messages.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "tako/tmpl/ast.h"
#include "tako/tmpl/funcs.h"
#include "tako/tmpl/gofmt.h"
#include "tako/tmpl/lexer.h"
#include "tako/tmpl/stack_guard.h"
#include "tako/tmpl/template.h"

namespace tako::tmpl {

using namespace ast;
using lex::Item;
using lex::ItemType;

namespace ast {
void write_go_quote(std::string& out, std::string_view s) { gofmt::quote(out, s); }
}  // namespace ast

Template::Tree::~Tree() = default;
Template::Template(std::string name, std::string text) : name_(std::move(name)), text_(std::move(text)) {}
Template::~Template() = default;

const Template::Tree* Template::lookup(const std::string& name) const {
  auto it = trees_.find(name);
  return it == trees_.end() ? nullptr : it->second.get();
}

namespace {

struct ParseError {
  std::string message;
};

constexpr int kMaxNesting = 5000;

// ---- strconv.Unquote / UnquoteChar

bool unhex(char c, int32_t& v) {
  if (c >= '0' && c <= '9') {
    v = c - '0';
  } else if (c >= 'a' && c <= 'f') {
    v = c - 'a' + 10;
  } else if (c >= 'A' && c <= 'F') {
    v = c - 'A' + 10;
  } else {
    return false;
  }
  return true;
}

// Returns false on syntax error. On success: value, multibyte, and consumed bytes.
bool unquote_char(std::string_view s, char quote, int32_t& value, bool& multibyte, size_t& used) {
  multibyte = false;
  if (s.empty()) return false;
  auto c = static_cast<unsigned char>(s[0]);
  if (c == static_cast<unsigned char>(quote) && (quote == '\'' || quote == '"')) return false;
  if (c >= 0x80) {
    gofmt::Rune r = gofmt::decode_rune(s, 0);
    value = r.r;
    multibyte = true;
    used = static_cast<size_t>(r.size);
    return true;
  }
  if (c != '\\') {
    value = c;
    used = 1;
    return true;
  }
  if (s.size() <= 1) return false;
  char e = s[1];
  size_t i = 2;
  switch (e) {
    case 'a': value = '\a'; break;
    case 'b': value = '\b'; break;
    case 'f': value = '\f'; break;
    case 'n': value = '\n'; break;
    case 'r': value = '\r'; break;
    case 't': value = '\t'; break;
    case 'v': value = '\v'; break;
    case 'x': case 'u': case 'U': {
      size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s.size() - i < n) return false;
      int32_t v = 0;
      for (size_t k = 0; k < n; ++k) {
        int32_t x;
        if (!unhex(s[i + k], x)) return false;
        v = (v << 4) | x;
      }
      i += n;
      if (e == 'x') {
        value = v;
        break;
      }
      if (!gofmt::valid_rune(v)) return false;
      value = v;
      multibyte = true;
      break;
    }
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
      int32_t v = e - '0';
      if (s.size() - i < 2) return false;
      for (size_t k = 0; k < 2; ++k) {
        int32_t x = s[i + k] - '0';
        if (x < 0 || x > 7) return false;
        v = (v << 3) | x;
      }
      i += 2;
      if (v > 255) return false;
      value = v;
      break;
    }
    case '\\': value = '\\'; break;
    case '\'': case '"':
      if (e != quote) return false;
      value = e;
      break;
    default: return false;
  }
  used = i;
  return true;
}

// strconv.Unquote for "..." and `...` tokens. Returns false on ErrSyntax.
bool unquote(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() < 2) return false;
  char q = in[0];
  if (q == '`') {
    if (in.back() != '`') return false;
    std::string_view body = in.substr(1, in.size() - 2);
    if (body.find('`') != std::string_view::npos) return false;
    for (char c : body)
      if (c != '\r') out += c;
    return true;
  }
  if (q != '"') return false;
  size_t i = 1;
  while (i < in.size() && in[i] != q) {
    if (in[i] == '\n') return false;
    int32_t v;
    bool mb;
    size_t used;
    if (!unquote_char(in.substr(i), q, v, mb, used)) return false;
    i += used;
    if (v < 0x80 || !mb) {
      out += static_cast<char>(v);
    } else {
      gofmt::append_rune(out, v);
    }
  }
  if (i >= in.size() || in[i] != q) return false;
  return i + 1 == in.size();
}

// ---- strconv.ParseInt / ParseUint / ParseFloat with base prefix and underscores

bool underscore_ok(std::string_view s) {
  // Go's underscoreOK: underscores only between digits or between a base prefix and a digit.
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s = s.substr(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0') {
    char c = static_cast<char>(s[1] | 0x20);
    if (c == 'x' || c == 'o' || c == 'b') {
      hex = c == 'x';
      i = 2;
      saw = '0';
    }
  }
  for (; i < s.size(); ++i) {
    char c = s[i];
    char lc = static_cast<char>(c | 0x20);
    if ((c >= '0' && c <= '9') || (hex && lc >= 'a' && lc <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

bool parse_uint(std::string_view s0, uint64_t& out) {
  std::string_view s = s0;
  if (s.empty()) return false;
  int base = 10;
  bool prefixed = false;
  if (s[0] == '0') {
    if (s.size() >= 3 && (s[1] == 'b' || s[1] == 'B')) {
      base = 2;
      s = s.substr(2);
      prefixed = true;
    } else if (s.size() >= 3 && (s[1] == 'o' || s[1] == 'O')) {
      base = 8;
      s = s.substr(2);
      prefixed = true;
    } else if (s.size() >= 3 && (s[1] == 'x' || s[1] == 'X')) {
      base = 16;
      s = s.substr(2);
      prefixed = true;
    } else {
      base = 8;
      s = s.substr(1);
      prefixed = true;
      if (s.empty()) {
        out = 0;
        return true;
      }
    }
  }
  (void)prefixed;
  bool underscores = false;
  uint64_t n = 0;
  bool any = false;
  for (char c : s) {
    int d;
    if (c == '_') {
      underscores = true;
      continue;
    }
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'z') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'Z') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    if (d >= base) return false;
    if (n > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) return false;
    n = n * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    any = true;
  }
  if (!any && !(s0.size() >= 1 && s0[0] == '0' && s.empty())) return false;
  if (underscores && !underscore_ok(s0)) return false;
  out = n;
  return true;
}

bool parse_int(std::string_view s, int64_t& out) {
  if (s.empty()) return false;
  bool neg = false;
  std::string_view body = s;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    body = s.substr(1);
  }
  uint64_t u;
  if (!parse_uint(body, u)) return false;
  if (body.find('_') != std::string_view::npos && !underscore_ok(s)) return false;
  if (!neg) {
    if (u > static_cast<uint64_t>(INT64_MAX)) return false;
    out = static_cast<int64_t>(u);
  } else {
    if (u > static_cast<uint64_t>(INT64_MAX) + 1) return false;
    out = static_cast<int64_t>(0 - u);
  }
  return true;
}

// strconv.ParseFloat(s, 64) acceptance for the forms the lexer lets through.
// Returns 0 ok, 1 syntax error, 2 range error.
int parse_float(std::string_view s, double& out) {
  std::string t;
  size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    neg = s[i] == '-';
    i++;
  }
  std::string_view body = s.substr(i);
  if (body.empty()) return 1;
  bool hex = body.size() >= 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X');
  bool underscores = body.find('_') != std::string_view::npos;
  if (underscores) {
    // underscores are only allowed with a base prefix (Go: "base prefix" rule)
    bool prefixed = body.size() >= 2 && body[0] == '0' &&
                    (body[1] == 'x' || body[1] == 'X' || body[1] == 'b' || body[1] == 'B' || body[1] == 'o' ||
                     body[1] == 'O');
    (void)prefixed;
    if (!underscore_ok(s)) return 1;
  }
  std::string clean;
  for (char c : body)
    if (c != '_') clean += c;
  // validate the shape
  size_t k = 0;
  if (hex) {
    k = 2;
    bool digits = false;
    while (k < clean.size() && std::isxdigit(static_cast<unsigned char>(clean[k]))) {
      k++;
      digits = true;
    }
    if (k < clean.size() && clean[k] == '.') {
      k++;
      while (k < clean.size() && std::isxdigit(static_cast<unsigned char>(clean[k]))) {
        k++;
        digits = true;
      }
    }
    if (!digits) return 1;
    if (k >= clean.size() || (clean[k] != 'p' && clean[k] != 'P')) return 1;  // hex float needs p exponent
    k++;
    if (k < clean.size() && (clean[k] == '+' || clean[k] == '-')) k++;
    bool ed = false;
    while (k < clean.size() && std::isdigit(static_cast<unsigned char>(clean[k]))) {
      k++;
      ed = true;
    }
    if (!ed || k != clean.size()) return 1;
  } else {
    bool digits = false;
    while (k < clean.size() && std::isdigit(static_cast<unsigned char>(clean[k]))) {
      k++;
      digits = true;
    }
    if (k < clean.size() && clean[k] == '.') {
      k++;
      while (k < clean.size() && std::isdigit(static_cast<unsigned char>(clean[k]))) {
        k++;
        digits = true;
      }
    }
    if (!digits) return 1;
    if (k < clean.size() && (clean[k] == 'e' || clean[k] == 'E')) {
      k++;
      if (k < clean.size() && (clean[k] == '+' || clean[k] == '-')) k++;
      bool ed = false;
      while (k < clean.size() && std::isdigit(static_cast<unsigned char>(clean[k]))) {
        k++;
        ed = true;
      }
      if (!ed) return 1;
    }
    if (k != clean.size()) return 1;
    // Go treats "0x", octal-looking etc. per ParseFloat: leading zeros are decimal.
  }
  errno = 0;
  char* endp = nullptr;
  double v = std::strtod(clean.c_str(), &endp);
  if (endp != clean.c_str() + clean.size()) return 1;
  if (neg) v = -v;
  out = v;
  if (std::isinf(v)) return 2;
  return 0;
}

class TreeParser;

struct Shared {
  lex::Lexer* lexer;
  std::string_view text;
  std::string parse_name;
  std::map<std::string, std::unique_ptr<Template::Tree>>* tree_set;
  int nesting = 0;
};

class TreeParser {
 public:
  TreeParser(Shared& sh, std::string name) : name_(std::move(name)), sh_(sh) { vars_.push_back("$"); }

  std::string name_;
  std::unique_ptr<ListNode> root_;

  // ---- token buffer (Go's three-token lookahead)
  Item next() {
    if (peek_count_ > 0) {
      peek_count_--;
    } else {
      token_[0] = sh_.lexer->next_item();
    }
    return token_[peek_count_];
  }
  void backup() { peek_count_++; }
  void backup2(const Item& t1) {
    token_[1] = t1;
    peek_count_ = 2;
  }
  void backup3(const Item& t2, const Item& t1) {
    token_[1] = t1;
    token_[2] = t2;
    peek_count_ = 3;
  }
  Item peek() {
    if (peek_count_ > 0) return token_[peek_count_ - 1];
    peek_count_ = 1;
    token_[0] = sh_.lexer->next_item();
    return token_[0];
  }
  Item next_non_space() {
    Item t;
    for (;;) {
      t = next();
      if (t.typ != ItemType::Space) break;
    }
    return t;
  }
  Item peek_non_space() {
    Item t = next_non_space();
    backup();
    return t;
  }

  [[noreturn]] void errorf(const std::string& msg) {
    throw ParseError{"template: " + sh_.parse_name + ":" + std::to_string(token_[0].line) + ": " + msg};
  }

  Item expect(ItemType expected, const char* context) {
    Item t = next_non_space();
    if (t.typ != expected) unexpected(t, context);
    return t;
  }
  Item expect_one_of(ItemType e1, ItemType e2, const char* context) {
    Item t = next_non_space();
    if (t.typ != e1 && t.typ != e2) unexpected(t, context);
    return t;
  }

  [[noreturn]] void unexpected(const Item& token, const std::string& context) {
    if (token.typ == ItemType::Error) {
      std::string extra;
      if (action_line_ != 0 && action_line_ != token.line) {
        extra = " in action started at " + sh_.parse_name + ":" + std::to_string(action_line_);
        if (token.val.size() >= 7 && token.val.compare(token.val.size() - 7, 7, " action") == 0)
          extra = extra.substr(std::strlen(" in action"));
      }
      errorf(std::string(token.val) + extra);
    }
    errorf("unexpected " + lex::item_string(token) + " in " + context);
  }

  struct NestGuard {
    Shared& sh;
    TreeParser& p;
    NestGuard(Shared& s, TreeParser& tp) : sh(s), p(tp) {
      if (++sh.nesting > kMaxNesting || stack_is_low()) {
        --sh.nesting;
        p.errorf("nesting too deep");
      }
    }
    ~NestGuard() { --sh.nesting; }
  };

  // ---- top level

  void parse() {
    root_ = std::make_unique<ListNode>(peek().pos);
    while (peek().typ != ItemType::Eof) {
      if (peek().typ == ItemType::LeftDelim) {
        Item delim = next();
        if (next_non_space().typ == ItemType::Define) {
          TreeParser nt(sh_, "definition");
          nt.parse_definition();
          continue;
        }
        backup2(delim);
      }
      NodePtr n = text_or_action();
      if (n->type == NodeType::End || n->type == NodeType::Else) errorf("unexpected " + n->str());
      root_->nodes.push_back(std::move(n));
    }
  }

  static bool is_empty_tree(const Node* n) {
    if (n == nullptr) return true;
    switch (n->type) {
      case NodeType::Comment: return true;
      case NodeType::List:
        for (const auto& c : static_cast<const ListNode*>(n)->nodes)
          if (!is_empty_tree(c.get())) return false;
        return true;
      case NodeType::Text: {
        for (char c : static_cast<const TextNode*>(n)->text) {
          // bytes.TrimSpace: ASCII space plus Unicode white space
          if (!(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f')) {
            auto uc = static_cast<unsigned char>(c);
            if (uc < 0x80) return false;
            // Non-ASCII: check the rune (U+0085, U+00A0, ...)
            const auto& t = static_cast<const TextNode*>(n)->text;
            for (size_t i = 0; i < t.size();) {
              gofmt::Rune r = gofmt::decode_rune(t, i);
              if (!gofmt::is_space(r.r) || (r.r == gofmt::kRuneError && r.size == 1)) return false;
              i += static_cast<size_t>(r.size);
            }
            return true;
          }
        }
        return true;
      }
      default: return false;
    }
  }

  void add() {
    auto& set = *sh_.tree_set;
    auto it = set.find(name_);
    if (it == set.end() || is_empty_tree(it->second->root.get())) {
      auto tree = std::make_unique<Template::Tree>();
      tree->name = name_;
      tree->root = std::move(root_);
      set[name_] = std::move(tree);
      return;
    }
    if (!is_empty_tree(root_.get())) errorf("template: multiple definition of template " + gofmt::quote(name_));
  }

  void parse_definition() {
    const char* context = "define clause";
    Item name = expect_one_of(ItemType::String, ItemType::RawString, context);
    std::string n;
    if (!unquote(name.val, n)) errorf("invalid syntax");
    name_ = n;
    expect(ItemType::RightDelim, context);
    NodePtr end;
    root_ = item_list(end);
    if (end->type != NodeType::End) errorf("unexpected " + end->str() + " in " + context);
    add();
  }

  std::unique_ptr<ListNode> item_list(NodePtr& next_node) {
    auto list = std::make_unique<ListNode>(peek_non_space().pos);
    while (peek_non_space().typ != ItemType::Eof) {
      NodePtr n = text_or_action();
      if (n->type == NodeType::End || n->type == NodeType::Else) {
        next_node = std::move(n);
        return list;
      }
      list->nodes.push_back(std::move(n));
    }
    errorf("unexpected EOF");
  }

  NodePtr text_or_action() {
    Item token = next_non_space();
    switch (token.typ) {
      case ItemType::Text: return std::make_unique<TextNode>(token.pos, std::string(token.val));
      case ItemType::LeftDelim: {
        action_line_ = token.line;
        struct Clear {
          int& l;
          ~Clear() { l = 0; }
        } clear{action_line_};
        return action();
      }
      case ItemType::Comment: return std::make_unique<CommentNode>(token.pos, std::string(token.val));
      default: unexpected(token, "input");
    }
  }

  NodePtr action() {
    Item token = next_non_space();
    switch (token.typ) {
      case ItemType::Block: return block_control();
      case ItemType::Break: return break_control(token.pos, "{{break}}", true);
      case ItemType::Continue: return break_control(token.pos, "{{continue}}", false);
      case ItemType::Else: return else_control();
      case ItemType::End: return end_control();
      case ItemType::If: return branch_control(NodeType::If, true, "if");
      case ItemType::Range: return branch_control(NodeType::Range, false, "range");
      case ItemType::Template: return template_control();
      case ItemType::With: return branch_control(NodeType::With, false, "with");
      default: break;
    }
    backup();
    Item t = peek();
    return std::make_unique<ActionNode>(t.pos, pipeline("command", ItemType::RightDelim));
  }

  NodePtr break_control(int pos, const char* what, bool is_break) {
    Item token = next_non_space();
    if (token.typ != ItemType::RightDelim) unexpected(token, what);
    if (range_depth_ == 0) errorf(std::string(what) + " outside {{range}}");
    if (is_break) return std::make_unique<BreakNode>(pos);
    return std::make_unique<ContinueNode>(pos);
  }

  std::unique_ptr<PipeNode> pipeline(const char* context, ItemType end) {
    NestGuard guard(sh_, *this);
    Item token = peek_non_space();
    auto pipe = std::make_unique<PipeNode>(token.pos);
  decls:
    if (Item v = peek_non_space(); v.typ == ItemType::Variable) {
      next();
      Item token_after_variable = peek();
      Item nxt = peek_non_space();
      if (nxt.typ == ItemType::Assign || nxt.typ == ItemType::Declare) {
        pipe->is_assign = nxt.typ == ItemType::Assign;
        next_non_space();
        pipe->decl.push_back(new_variable(v.pos, v.val));
        vars_.emplace_back(v.val);
      } else if (nxt.typ == ItemType::Char && nxt.val == ",") {
        next_non_space();
        pipe->decl.push_back(new_variable(v.pos, v.val));
        vars_.emplace_back(v.val);
        if (std::strcmp(context, "range") == 0 && pipe->decl.size() < 2) {
          ItemType pt = peek_non_space().typ;
          if (pt == ItemType::Variable || pt == ItemType::RightDelim || pt == ItemType::RightParen) goto decls;
          errorf("range can only initialize variables");
        }
        errorf(std::string("too many declarations in ") + context);
      } else if (token_after_variable.typ == ItemType::Space) {
        backup3(v, token_after_variable);
      } else {
        backup2(v);
      }
    }
    for (;;) {
      Item t = next_non_space();
      if (t.typ == end) {
        check_pipeline(*pipe, context);
        return pipe;
      }
      switch (t.typ) {
        case ItemType::Bool: case ItemType::CharConstant: case ItemType::Complex: case ItemType::Dot:
        case ItemType::Field: case ItemType::Identifier: case ItemType::Number: case ItemType::Nil:
        case ItemType::RawString: case ItemType::String: case ItemType::Variable: case ItemType::LeftParen:
          backup();
          pipe->cmds.push_back(command());
          break;
        default: unexpected(t, context);
      }
    }
  }

  void check_pipeline(const PipeNode& pipe, const char* context) {
    if (pipe.cmds.empty()) errorf(std::string("missing value for ") + context);
    for (size_t i = 1; i < pipe.cmds.size(); ++i) {
      switch (pipe.cmds[i]->args[0]->type) {
        case NodeType::Bool: case NodeType::Dot: case NodeType::Nil: case NodeType::Number: case NodeType::String:
          errorf("non executable command in pipeline stage " + std::to_string(i + 1));
        default: break;
      }
    }
  }

  NodePtr branch_control(NodeType type, bool allow_else_if, const char* context) {
    NestGuard guard(sh_, *this);
    size_t nvars = vars_.size();
    auto pipe = pipeline(context, ItemType::RightDelim);
    bool is_range = type == NodeType::Range;
    if (is_range) range_depth_++;
    NodePtr next_node;
    auto list = item_list(next_node);
    if (is_range) range_depth_--;
    std::unique_ptr<ListNode> else_list;
    if (next_node->type == NodeType::Else) {
      bool done = false;
      if (allow_else_if && peek().typ == ItemType::If) {
        next();
        else_list = std::make_unique<ListNode>(next_node->pos);
        else_list->nodes.push_back(branch_control(NodeType::If, true, "if"));
        done = true;
      }
      if (!done) {
        else_list = item_list(next_node);
        if (next_node->type != NodeType::End) errorf("expected end; found " + next_node->str());
      }
    }
    vars_.resize(nvars);
    auto n = std::make_unique<BranchNode>(type, pipe->pos);
    n->pipe = std::move(pipe);
    n->list = std::move(list);
    n->else_list = std::move(else_list);
    return n;
  }

  NodePtr end_control() { return std::make_unique<EndNode>(expect(ItemType::RightDelim, "end").pos); }

  NodePtr else_control() {
    Item p = peek_non_space();
    if (p.typ == ItemType::If) return std::make_unique<ElseNode>(p.pos);
    Item token = expect(ItemType::RightDelim, "else");
    return std::make_unique<ElseNode>(token.pos);
  }

  NodePtr block_control() {
    const char* context = "block clause";
    Item token = next_non_space();
    std::string name = parse_template_name(token, context);
    auto pipe = pipeline(context, ItemType::RightDelim);
    TreeParser block(sh_, name);
    NodePtr end;
    block.root_ = block.item_list(end);
    if (end->type != NodeType::End) errorf("unexpected " + end->str() + " in " + context);
    block.add();
    return std::make_unique<TemplateNode>(token.pos, name, std::move(pipe));
  }

  NodePtr template_control() {
    const char* context = "template clause";
    Item token = next_non_space();
    std::string name = parse_template_name(token, context);
    std::unique_ptr<PipeNode> pipe;
    if (next_non_space().typ != ItemType::RightDelim) {
      backup();
      pipe = pipeline(context, ItemType::RightDelim);
    }
    return std::make_unique<TemplateNode>(token.pos, name, std::move(pipe));
  }

  std::string parse_template_name(const Item& token, const char* context) {
    if (token.typ == ItemType::String || token.typ == ItemType::RawString) {
      std::string s;
      if (!unquote(token.val, s)) errorf("invalid syntax");
      return s;
    }
    unexpected(token, context);
  }

  std::unique_ptr<CommandNode> command() {
    auto cmd = std::make_unique<CommandNode>(peek_non_space().pos);
    for (;;) {
      peek_non_space();
      NodePtr op = operand();
      if (op) cmd->args.push_back(std::move(op));
      Item token = next();
      bool cont = false;
      switch (token.typ) {
        case ItemType::Space: cont = true; break;
        case ItemType::RightDelim: case ItemType::RightParen: backup(); break;
        case ItemType::Pipe: break;
        default: unexpected(token, "operand");
      }
      if (!cont) break;
    }
    if (cmd->args.empty()) errorf("empty command");
    return cmd;
  }

  NodePtr operand() {
    NodePtr node = term();
    if (!node) return nullptr;
    if (peek().typ == ItemType::Field) {
      auto chain = std::make_unique<ChainNode>(peek().pos, nullptr);
      std::vector<std::string> fields;
      while (peek().typ == ItemType::Field) fields.emplace_back(next().val.substr(1));
      int cpos = chain->pos;
      switch (node->type) {
        case NodeType::Field: {
          auto* f = static_cast<FieldNode*>(node.get());
          std::vector<std::string> id = f->ident;
          for (auto& s : fields) id.push_back(s);
          return std::make_unique<FieldNode>(cpos, std::move(id));
        }
        case NodeType::Variable: {
          auto* v = static_cast<VariableNode*>(node.get());
          std::vector<std::string> id = v->ident;
          for (auto& s : fields) id.push_back(s);
          return std::make_unique<VariableNode>(cpos, std::move(id));
        }
        case NodeType::Bool: case NodeType::String: case NodeType::Number: case NodeType::Nil: case NodeType::Dot:
          errorf("unexpected . after term " + gofmt::quote(node->str()));
        default:
          chain->node = std::move(node);
          chain->field = std::move(fields);
          return chain;
      }
    }
    return node;
  }

  NodePtr term() {
    Item token = next_non_space();
    switch (token.typ) {
      case ItemType::Identifier: {
        int idx = find_function(token.val);
        if (idx < 0) errorf("function " + gofmt::quote(token.val) + " not defined");
        auto n = std::make_unique<IdentifierNode>(token.pos, std::string(token.val));
        n->func_index = idx;
        return n;
      }
      case ItemType::Dot: return std::make_unique<DotNode>(token.pos);
      case ItemType::Nil: return std::make_unique<NilNode>(token.pos);
      case ItemType::Variable: return use_var(token.pos, token.val);
      case ItemType::Field: return std::make_unique<FieldNode>(token.pos, split_field(token.val.substr(1)));
      case ItemType::Bool: return std::make_unique<BoolNode>(token.pos, token.val == "true");
      case ItemType::CharConstant: case ItemType::Complex: case ItemType::Number:
        return new_number(token.pos, std::string(token.val), token.typ);
      case ItemType::LeftParen: return pipeline("parenthesized pipeline", ItemType::RightParen);
      case ItemType::String: case ItemType::RawString: {
        std::string s;
        if (!unquote(token.val, s)) errorf("invalid syntax");
        return std::make_unique<StringNode>(token.pos, std::string(token.val), std::move(s));
      }
      default: break;
    }
    backup();
    return nullptr;
  }

  static std::vector<std::string> split_field(std::string_view s) {
    std::vector<std::string> out;
    size_t start = 0;
    for (;;) {
      size_t d = s.find('.', start);
      if (d == std::string::npos) {
        out.emplace_back(s.substr(start));
        return out;
      }
      out.emplace_back(s.substr(start, d - start));
      start = d + 1;
    }
  }

  std::unique_ptr<VariableNode> new_variable(int pos, std::string_view name) {
    return std::make_unique<VariableNode>(pos, split_field(name));
  }

  NodePtr use_var(int pos, std::string_view name) {
    auto v = new_variable(pos, name);
    for (const auto& n : vars_)
      if (n == v->ident[0]) return v;
    errorf("undefined variable " + gofmt::quote(v->ident[0]));
  }

  NodePtr new_number(int pos, const std::string& text, ItemType typ) {
    auto n = std::make_unique<NumberNode>(pos, text);
    if (typ == ItemType::CharConstant) {
      int32_t r;
      bool mb;
      size_t used;
      std::string_view body = std::string_view(text).substr(1);
      if (!unquote_char(body, '\'', r, mb, used)) errorf("invalid syntax");
      if (body.substr(used) != "'") errorf("malformed character constant: " + text);
      n->int64 = r;
      n->is_int = true;
      n->uint64 = static_cast<uint64_t>(r);
      n->is_uint = true;
      n->float64 = r;
      n->is_float = true;
      return n;
    }
    if (typ == ItemType::Complex) errorf("complex numbers are not supported: " + gofmt::quote(text));
    if (!text.empty() && text.back() == 'i') {
      double f;
      if (parse_float(std::string_view(text).substr(0, text.size() - 1), f) == 0)
        errorf("complex numbers are not supported: " + gofmt::quote(text));
    }
    uint64_t u = 0;
    if (parse_uint(text, u)) {
      n->is_uint = true;
      n->uint64 = u;
    }
    int64_t i;
    if (parse_int(text, i)) {
      n->is_int = true;
      n->int64 = i;
      if (i == 0) {
        n->is_uint = true;
        n->uint64 = u;
      }
    }
    if (n->is_int) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->int64);
    } else if (n->is_uint) {
      n->is_float = true;
      n->float64 = static_cast<double>(n->uint64);
    } else {
      double f;
      if (parse_float(text, f) == 0) {
        if (text.find_first_of(".eEpP") == std::string::npos) errorf("integer overflow: " + gofmt::quote(text));
        n->is_float = true;
        n->float64 = f;
        if (!n->is_int && f >= -9223372036854775808.0 && f < 9223372036854775808.0 &&
            static_cast<double>(static_cast<int64_t>(f)) == f) {
          n->is_int = true;
          n->int64 = static_cast<int64_t>(f);
        }
        if (!n->is_uint && f >= 0 && f < 18446744073709551616.0 &&
            static_cast<double>(static_cast<uint64_t>(f)) == f) {
          n->is_uint = true;
          n->uint64 = static_cast<uint64_t>(f);
        }
      }
    }
    if (!n->is_int && !n->is_uint && !n->is_float) errorf("illegal number syntax: " + gofmt::quote(text));
    return n;
  }

 private:
  Shared& sh_;
  Item token_[3];
  int peek_count_ = 0;
  std::vector<std::string> vars_;
  int action_line_ = 0;
  int range_depth_ = 0;
};

}  // namespace

class Parser {
 public:
  static Result<TemplatePtr> run(std::string_view text, std::string name) {
    auto t = std::make_shared<Template>(name, std::string(text));
    lex::Lexer lexer(t->text_);
    Shared sh{&lexer, t->text_, name, &t->trees_, 0};
    try {
      TreeParser p(sh, name);
      p.parse();
      p.add();
    } catch (const ParseError& e) {
      return Error{e.message};
    }
    return TemplatePtr(std::move(t));
  }
};

Result<TemplatePtr> parse(std::string_view text, std::string name) { return Parser::run(text, std::move(name)); }

}  // namespace tako::tmpl
