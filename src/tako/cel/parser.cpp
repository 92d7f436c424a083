// Lexer and recursive-descent parser for CEL (google/cel-spec langdef.md).
#include <charconv>
#include <cstring>
#include <string>

#include "tako/cel/ast.h"
#include "tako/cel/unicode.h"

namespace tako::cel {

std::pair<int, int> line_col(std::string_view text, uint32_t pos) {
  int line = 1, col = 1;
  for (size_t i = 0; i < text.size() && i < pos; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      col = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

namespace {

enum class Tok : uint8_t {
  End,
  Ident,
  Int,
  Uint,
  Double,
  String,
  Bytes,
  Backquoted,
  // punctuation
  LParen, RParen, LBracket, RBracket, LBrace, RBrace,
  Dot, Comma, Colon, Question,
  Plus, Minus, Star, Slash, Percent,
  Not, Eq, Ne, Lt, Le, Gt, Ge, And, Or, In,
  True, False, Null,
};

struct Token {
  Tok kind = Tok::End;
  uint32_t pos = 0;
  std::string text;  // identifier name or decoded string/bytes; raw digits for numbers
  uint64_t uval = 0;
  double dval = 0;
  bool int_overflow = false;  // decimal int literal > INT64_MAX (allowed only after unary minus)
};

bool is_reserved(std::string_view s) {
  static const char* const kReserved[] = {"as",     "break",   "const",     "continue", "else",
                                          "for",    "function", "if",       "import",   "let",
                                          "loop",   "package", "namespace", "return",   "var",
                                          "void",   "while"};
  for (const char* r : kReserved)
    if (s == r) return true;
  return false;
}

struct ParseError {
  uint32_t pos;
  std::string message;
};

class Lexer {
 public:
  explicit Lexer(std::string_view src) : s_(src) {}

  // Returns false and sets err on a lexical error.
  bool next(Token& t, ParseError& err) {
    skip_space();
    t = Token{};
    t.pos = static_cast<uint32_t>(i_);
    if (i_ >= s_.size()) {
      t.kind = Tok::End;
      return true;
    }
    char c = s_[i_];
    // string / bytes literal with optional prefixes
    if (c == '"' || c == '\'') return lex_string(t, err, false, false);
    if (c == 'r' || c == 'R' || c == 'b' || c == 'B') {
      size_t j = i_;
      bool raw = false, bytes = false;
      for (int k = 0; k < 2 && j < s_.size(); ++k) {
        char p = s_[j];
        if ((p == 'r' || p == 'R') && !raw) {
          raw = true;
          ++j;
        } else if ((p == 'b' || p == 'B') && !bytes) {
          bytes = true;
          ++j;
        } else {
          break;
        }
      }
      if (j < s_.size() && (s_[j] == '"' || s_[j] == '\'')) {
        i_ = j;
        return lex_string(t, err, raw, bytes);
      }
    }
    if (is_ident_start(c)) {
      size_t j = i_;
      while (j < s_.size() && is_ident_char(s_[j])) ++j;
      t.text = std::string(s_.substr(i_, j - i_));
      i_ = j;
      if (t.text == "true") t.kind = Tok::True;
      else if (t.text == "false") t.kind = Tok::False;
      else if (t.text == "null") t.kind = Tok::Null;
      else if (t.text == "in") t.kind = Tok::In;
      else t.kind = Tok::Ident;
      return true;
    }
    if (is_digit(c) || (c == '.' && i_ + 1 < s_.size() && is_digit(s_[i_ + 1]))) return lex_number(t, err);
    if (c == '`') {
      size_t j = i_ + 1;
      while (j < s_.size() && s_[j] != '`') {
        char q = s_[j];
        if (!(is_ident_char(q) || q == '.' || q == '-' || q == '/' || q == ' ')) {
          err = {static_cast<uint32_t>(j), "invalid character in quoted identifier"};
          return false;
        }
        ++j;
      }
      if (j >= s_.size() || j == i_ + 1) {
        err = {t.pos, j >= s_.size() ? "unterminated quoted identifier" : "empty quoted identifier"};
        return false;
      }
      t.kind = Tok::Backquoted;
      t.text = std::string(s_.substr(i_ + 1, j - i_ - 1));
      i_ = j + 1;
      return true;
    }
    auto two = [&](char a, char b) { return c == a && i_ + 1 < s_.size() && s_[i_ + 1] == b; };
    if (two('=', '=')) return op(t, Tok::Eq, 2);
    if (two('!', '=')) return op(t, Tok::Ne, 2);
    if (two('<', '=')) return op(t, Tok::Le, 2);
    if (two('>', '=')) return op(t, Tok::Ge, 2);
    if (two('&', '&')) return op(t, Tok::And, 2);
    if (two('|', '|')) return op(t, Tok::Or, 2);
    switch (c) {
      case '(': return op(t, Tok::LParen, 1);
      case ')': return op(t, Tok::RParen, 1);
      case '[': return op(t, Tok::LBracket, 1);
      case ']': return op(t, Tok::RBracket, 1);
      case '{': return op(t, Tok::LBrace, 1);
      case '}': return op(t, Tok::RBrace, 1);
      case '.': return op(t, Tok::Dot, 1);
      case ',': return op(t, Tok::Comma, 1);
      case ':': return op(t, Tok::Colon, 1);
      case '?': return op(t, Tok::Question, 1);
      case '+': return op(t, Tok::Plus, 1);
      case '-': return op(t, Tok::Minus, 1);
      case '*': return op(t, Tok::Star, 1);
      case '/': return op(t, Tok::Slash, 1);
      case '%': return op(t, Tok::Percent, 1);
      case '!': return op(t, Tok::Not, 1);
      case '<': return op(t, Tok::Lt, 1);
      case '>': return op(t, Tok::Gt, 1);
      default: break;
    }
    std::string shown;
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
      shown = buf;
    } else {
      shown = std::string(1, c);
    }
    err = {t.pos, "unexpected character '" + shown + "'"};
    return false;
  }

 private:
  static bool is_digit(char c) { return c >= '0' && c <= '9'; }
  static bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
  static bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
  static bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
  static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return c - 'A' + 10;
  }

  bool op(Token& t, Tok k, size_t n) {
    t.kind = k;
    i_ += n;
    return true;
  }

  void skip_space() {
    while (i_ < s_.size()) {
      char c = s_[i_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        ++i_;
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        break;
      }
    }
  }

  bool lex_number(Token& t, ParseError& err) {
    size_t start = i_;
    auto& s = s_;
    // hex int
    if (s[i_] == '0' && i_ + 1 < s.size() && (s[i_ + 1] == 'x' || s[i_ + 1] == 'X')) {
      size_t j = i_ + 2;
      while (j < s.size() && is_hex(s[j])) ++j;
      if (j == i_ + 2) {
        err = {t.pos, "invalid hex literal"};
        return false;
      }
      uint64_t v = 0;
      auto r = std::from_chars(s.data() + i_ + 2, s.data() + j, v, 16);
      bool overflow = r.ec != std::errc();
      i_ = j;
      return finish_int(t, err, v, overflow, start);
    }
    size_t j = i_;
    while (j < s.size() && is_digit(s[j])) ++j;
    bool is_float = false;
    if (j < s.size() && s[j] == '.' && j + 1 < s.size() && is_digit(s[j + 1])) {
      is_float = true;
      ++j;
      while (j < s.size() && is_digit(s[j])) ++j;
    }
    if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
      size_t k = j + 1;
      if (k < s.size() && (s[k] == '+' || s[k] == '-')) ++k;
      if (k < s.size() && is_digit(s[k])) {
        is_float = true;
        while (k < s.size() && is_digit(s[k])) ++k;
        j = k;
      }
    }
    if (is_float) {
      std::string txt(s.substr(start, j - start));
      double d = 0;
      auto r = std::from_chars(txt.data(), txt.data() + txt.size(), d);
      if (r.ec == std::errc::result_out_of_range) {
        d = std::strtod(txt.c_str(), nullptr);  // inf / denormal handling
      } else if (r.ec != std::errc()) {
        err = {t.pos, "invalid double literal"};
        return false;
      }
      t.kind = Tok::Double;
      t.dval = d;
      i_ = j;
      return true;
    }
    uint64_t v = 0;
    auto r = std::from_chars(s.data() + start, s.data() + j, v, 10);
    bool overflow = r.ec != std::errc();
    i_ = j;
    return finish_int(t, err, v, overflow, start);
  }

  bool finish_int(Token& t, ParseError& err, uint64_t v, bool overflow, size_t start) {
    if (i_ < s_.size() && (s_[i_] == 'u' || s_[i_] == 'U')) {
      ++i_;
      if (overflow) {
        err = {static_cast<uint32_t>(start), "invalid uint literal"};
        return false;
      }
      t.kind = Tok::Uint;
      t.uval = v;
      return true;
    }
    if (overflow || v > static_cast<uint64_t>(INT64_MAX) + 1) {
      err = {static_cast<uint32_t>(start), "invalid int literal"};
      return false;
    }
    t.kind = Tok::Int;
    t.uval = v;
    t.int_overflow = v > static_cast<uint64_t>(INT64_MAX);
    return true;
  }

  bool lex_string(Token& t, ParseError& err, bool raw, bool bytes) {
    char q = s_[i_];
    bool triple = i_ + 2 < s_.size() && s_[i_ + 1] == q && s_[i_ + 2] == q;
    size_t j = i_ + (triple ? 3 : 1);
    std::string out;
    while (true) {
      if (j >= s_.size()) {
        err = {t.pos, "unterminated string literal"};
        return false;
      }
      char c = s_[j];
      if (triple) {
        if (c == q && j + 2 < s_.size() && s_[j + 1] == q && s_[j + 2] == q) {
          j += 3;
          break;
        }
      } else {
        if (c == q) {
          ++j;
          break;
        }
        if (c == '\n' || c == '\r') {
          err = {static_cast<uint32_t>(j), "newline in string literal"};
          return false;
        }
      }
      if (c != '\\') {
        out.push_back(c);
        ++j;
        continue;
      }
      if (raw) {
        // raw: the backslash is kept; an escaped quote does not end the literal
        out.push_back(c);
        if (j + 1 < s_.size() && (s_[j + 1] == q || s_[j + 1] == '\\')) {
          out.push_back(s_[j + 1]);
          j += 2;
        } else {
          ++j;
        }
        continue;
      }
      uint32_t esc_pos = static_cast<uint32_t>(j);
      if (j + 1 >= s_.size()) {
        err = {esc_pos, "unterminated string literal"};
        return false;
      }
      char e = s_[j + 1];
      j += 2;
      switch (e) {
        case '\\': out.push_back('\\'); break;
        case '?': out.push_back('?'); break;
        case '"': out.push_back('"'); break;
        case '\'': out.push_back('\''); break;
        case '`': out.push_back('`'); break;
        case 'a': out.push_back('\a'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'v': out.push_back('\v'); break;
        case 'x':
        case 'X': {
          if (j + 2 > s_.size() || !is_hex(s_[j]) || !is_hex(s_[j + 1])) {
            err = {esc_pos, "invalid escape sequence"};
            return false;
          }
          uint32_t v = static_cast<uint32_t>(hexval(s_[j]) * 16 + hexval(s_[j + 1]));
          j += 2;
          if (bytes) out.push_back(static_cast<char>(v));
          else append_utf8(out, v);
          break;
        }
        case 'u':
        case 'U': {
          if (bytes) {
            err = {esc_pos, "unicode escape in bytes literal"};
            return false;
          }
          size_t n = e == 'u' ? 4 : 8;
          if (j + n > s_.size()) {
            err = {esc_pos, "invalid escape sequence"};
            return false;
          }
          uint32_t v = 0;
          for (size_t k = 0; k < n; ++k) {
            if (!is_hex(s_[j + k])) {
              err = {esc_pos, "invalid escape sequence"};
              return false;
            }
            v = v * 16 + static_cast<uint32_t>(hexval(s_[j + k]));
          }
          j += n;
          if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
            err = {esc_pos, "invalid unicode code point in escape sequence"};
            return false;
          }
          append_utf8(out, v);
          break;
        }
        default: {
          if (e >= '0' && e <= '3' && j + 1 < s_.size() + 0 && j + 2 <= s_.size() && s_[j] >= '0' &&
              s_[j] <= '7' && s_[j + 1] >= '0' && s_[j + 1] <= '7') {
            uint32_t v = static_cast<uint32_t>((e - '0') * 64 + (s_[j] - '0') * 8 + (s_[j + 1] - '0'));
            j += 2;
            if (bytes) out.push_back(static_cast<char>(v));
            else append_utf8(out, v);
            break;
          }
          err = {esc_pos, "invalid escape sequence"};
          return false;
        }
      }
    }
    if (!bytes && !valid_utf8(out)) {
      err = {t.pos, "invalid UTF-8 in string literal"};
      return false;
    }
    t.kind = bytes ? Tok::Bytes : Tok::String;
    t.text = std::move(out);
    i_ = j;
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
};

class Parser {
 public:
  Parser(std::string_view src, const ParseLimits& limits) : src_(src), lex_(src), limits_(limits) {}

  Result<ExprPtr> run() {
    if (src_.size() > limits_.max_text_bytes)
      return Error{"expression text exceeds the limit of " + std::to_string(limits_.max_text_bytes) + " bytes"};
    if (!valid_utf8(src_)) return Error{"expression text is not valid UTF-8"};
    if (!advance()) return fail_result();
    ExprPtr e = expr();
    if (!e) return fail_result();
    if (tok_.kind != Tok::End) {
      set_error(tok_.pos, "unexpected " + describe(tok_) + ", expecting end of expression");
      return fail_result();
    }
    return e;
  }

 private:
  Result<ExprPtr> fail_result() {
    auto [line, col] = line_col(src_, err_.pos);
    return Error{"syntax error at line " + std::to_string(line) + ", column " + std::to_string(col) + ": " +
                 err_.message};
  }

  void set_error(uint32_t pos, std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_ = {pos, std::move(msg)};
    }
  }

  bool advance() {
    if (failed_) return false;
    if (!lex_.next(tok_, err_)) {
      failed_ = true;
      return false;
    }
    return true;
  }

  static std::string describe(const Token& t) {
    switch (t.kind) {
      case Tok::End: return "end of expression";
      case Tok::Ident: return "'" + t.text + "'";
      case Tok::Int: case Tok::Uint: case Tok::Double: return "number";
      case Tok::String: return "string literal";
      case Tok::Bytes: return "bytes literal";
      case Tok::Backquoted: return "'`" + t.text + "`'";
      case Tok::LParen: return "'('";
      case Tok::RParen: return "')'";
      case Tok::LBracket: return "'['";
      case Tok::RBracket: return "']'";
      case Tok::LBrace: return "'{'";
      case Tok::RBrace: return "'}'";
      case Tok::Dot: return "'.'";
      case Tok::Comma: return "','";
      case Tok::Colon: return "':'";
      case Tok::Question: return "'?'";
      case Tok::Plus: return "'+'";
      case Tok::Minus: return "'-'";
      case Tok::Star: return "'*'";
      case Tok::Slash: return "'/'";
      case Tok::Percent: return "'%'";
      case Tok::Not: return "'!'";
      case Tok::Eq: return "'=='";
      case Tok::Ne: return "'!='";
      case Tok::Lt: return "'<'";
      case Tok::Le: return "'<='";
      case Tok::Gt: return "'>'";
      case Tok::Ge: return "'>='";
      case Tok::And: return "'&&'";
      case Tok::Or: return "'||'";
      case Tok::In: return "'in'";
      case Tok::True: return "'true'";
      case Tok::False: return "'false'";
      case Tok::Null: return "'null'";
    }
    return "token";
  }

  bool expect(Tok k, const char* what) {
    if (tok_.kind != k) {
      set_error(tok_.pos, "unexpected " + describe(tok_) + ", expecting " + what);
      return false;
    }
    return advance();
  }

  struct DepthGuard {
    Parser& p;
    bool ok;
    explicit DepthGuard(Parser& parser) : p(parser), ok(++parser.depth_ <= parser.limits_.max_depth) {
      if (!ok) p.set_error(p.tok_.pos, "expression nesting exceeds the limit of " +
                                           std::to_string(p.limits_.max_depth));
    }
    ~DepthGuard() { --p.depth_; }
  };

  static ExprPtr make(Expr::Type t, uint32_t pos) {
    auto e = std::make_unique<Expr>();
    e->type = t;
    e->pos = pos;
    return e;
  }
  static ExprPtr call(std::string name, uint32_t pos, ExprPtr a, ExprPtr b = nullptr) {
    auto e = make(Expr::Type::Call, pos);
    e->name = std::move(name);
    e->args.push_back(std::move(a));
    if (b) e->args.push_back(std::move(b));
    return e;
  }

  ExprPtr expr() {
    DepthGuard g(*this);
    if (!g.ok) return nullptr;
    ExprPtr c = logical(Tok::Or);
    if (!c) return nullptr;
    if (tok_.kind != Tok::Question) return c;
    uint32_t pos = tok_.pos;
    if (!advance()) return nullptr;
    ExprPtr t = logical(Tok::Or);
    if (!t) return nullptr;
    if (!expect(Tok::Colon, "':'")) return nullptr;
    ExprPtr f = expr();
    if (!f) return nullptr;
    auto e = make(Expr::Type::Call, pos);
    e->name = "_?_:_";
    e->args.push_back(std::move(c));
    e->args.push_back(std::move(t));
    e->args.push_back(std::move(f));
    return e;
  }

  // `||` and `&&` chains are collected and built as balanced trees so long
  // chains do not produce deep trees.
  ExprPtr logical(Tok op) {
    std::vector<ExprPtr> terms;
    std::vector<uint32_t> ops;
    ExprPtr first = op == Tok::Or ? logical(Tok::And) : relation();
    if (!first) return nullptr;
    terms.push_back(std::move(first));
    while (tok_.kind == op) {
      ops.push_back(tok_.pos);
      if (!advance()) return nullptr;
      ExprPtr next = op == Tok::Or ? logical(Tok::And) : relation();
      if (!next) return nullptr;
      terms.push_back(std::move(next));
    }
    if (terms.size() == 1) return std::move(terms[0]);
    return balance(op == Tok::Or ? "_||_" : "_&&_", terms, ops, 0, terms.size());
  }

  ExprPtr balance(const char* name, std::vector<ExprPtr>& terms, const std::vector<uint32_t>& ops, size_t lo,
                  size_t hi) {
    if (hi - lo == 1) return std::move(terms[lo]);
    size_t mid = (lo + hi) / 2;
    ExprPtr l = balance(name, terms, ops, lo, mid);
    ExprPtr r = balance(name, terms, ops, mid, hi);
    return call(name, ops[mid - 1], std::move(l), std::move(r));
  }

  // Each operator of a left-associative chain deepens the tree by one: count it.
  struct Chain {
    Parser& p;
    int n = 0;
    ~Chain() { p.depth_ -= n; }
  };
  bool chain_step(Chain& c) {
    ++c.n;
    if (++depth_ > limits_.max_depth) {
      set_error(tok_.pos, "expression nesting exceeds the limit of " + std::to_string(limits_.max_depth));
      return false;
    }
    return true;
  }

  ExprPtr relation() {
    Chain chain{*this};
    ExprPtr l = addition();
    if (!l) return nullptr;
    while (true) {
      const char* name = nullptr;
      switch (tok_.kind) {
        case Tok::Eq: name = "_==_"; break;
        case Tok::Ne: name = "_!=_"; break;
        case Tok::Lt: name = "_<_"; break;
        case Tok::Le: name = "_<=_"; break;
        case Tok::Gt: name = "_>_"; break;
        case Tok::Ge: name = "_>=_"; break;
        case Tok::In: name = "@in"; break;
        default: return l;
      }
      uint32_t pos = tok_.pos;
      if (!advance()) return nullptr;
      if (!chain_step(chain)) return nullptr;
      ExprPtr r = addition();
      if (!r) return nullptr;
      l = call(name, pos, std::move(l), std::move(r));
    }
  }

  ExprPtr addition() {
    Chain chain{*this};
    ExprPtr l = multiplication();
    if (!l) return nullptr;
    while (tok_.kind == Tok::Plus || tok_.kind == Tok::Minus) {
      const char* name = tok_.kind == Tok::Plus ? "_+_" : "_-_";
      uint32_t pos = tok_.pos;
      if (!advance()) return nullptr;
      if (!chain_step(chain)) return nullptr;
      ExprPtr r = multiplication();
      if (!r) return nullptr;
      l = call(name, pos, std::move(l), std::move(r));
    }
    return l;
  }

  ExprPtr multiplication() {
    Chain chain{*this};
    ExprPtr l = unary();
    if (!l) return nullptr;
    while (tok_.kind == Tok::Star || tok_.kind == Tok::Slash || tok_.kind == Tok::Percent) {
      const char* name = tok_.kind == Tok::Star ? "_*_" : (tok_.kind == Tok::Slash ? "_/_" : "_%_");
      uint32_t pos = tok_.pos;
      if (!advance()) return nullptr;
      if (!chain_step(chain)) return nullptr;
      ExprPtr r = unary();
      if (!r) return nullptr;
      l = call(name, pos, std::move(l), std::move(r));
    }
    return l;
  }

  ExprPtr unary() {
    if (tok_.kind == Tok::Not) {
      uint32_t pos = tok_.pos;
      if (!advance()) return nullptr;
      DepthGuard g(*this);
      if (!g.ok) return nullptr;
      ExprPtr operand = unary();
      if (!operand) return nullptr;
      return call("!_", pos, std::move(operand));
    }
    if (tok_.kind == Tok::Minus) {
      uint32_t pos = tok_.pos;
      if (!advance()) return nullptr;
      DepthGuard g(*this);
      if (!g.ok) return nullptr;
      // `-<int literal>` is a negative literal (allows -9223372036854775808)
      if (tok_.kind == Tok::Int) {
        Token num = tok_;
        if (!advance()) return nullptr;
        if (!member_follows()) {
          auto e = make(Expr::Type::Literal, pos);
          e->literal = num.int_overflow ? Value::integer(INT64_MIN) : Value::integer(-static_cast<int64_t>(num.uval));
          return e;
        }
        ExprPtr lit = literal_from(num);
        if (!lit) return nullptr;
        ExprPtr operand = member_suffix(std::move(lit));
        if (!operand) return nullptr;
        return call("-_", pos, std::move(operand));
      }
      ExprPtr operand = unary();
      if (!operand) return nullptr;
      return call("-_", pos, std::move(operand));
    }
    ExprPtr p = primary();
    if (!p) return nullptr;
    return member_suffix(std::move(p));
  }

  bool member_follows() const {
    return tok_.kind == Tok::Dot || tok_.kind == Tok::LBracket;
  }

  ExprPtr literal_from(const Token& t) {
    auto e = make(Expr::Type::Literal, t.pos);
    switch (t.kind) {
      case Tok::Int:
        if (t.int_overflow) {
          set_error(t.pos, "invalid int literal");
          return nullptr;
        }
        e->literal = Value::integer(static_cast<int64_t>(t.uval));
        break;
      case Tok::Uint: e->literal = Value::uinteger(t.uval); break;
      case Tok::Double: e->literal = Value::dbl(t.dval); break;
      case Tok::String: e->literal = Value::string(t.text); break;
      case Tok::Bytes: e->literal = Value::bytes(t.text); break;
      case Tok::True: e->literal = Value::boolean(true); break;
      case Tok::False: e->literal = Value::boolean(false); break;
      case Tok::Null: e->literal = Value::null(); break;
      default: return nullptr;
    }
    return e;
  }

  ExprPtr member_suffix(ExprPtr e) {
    Chain chain{*this};
    while (true) {
      if (tok_.kind == Tok::Dot) {
        uint32_t pos = tok_.pos;
        if (!advance()) return nullptr;
        bool opt = false;
        if (tok_.kind == Tok::Question) {
          opt = true;
          if (!advance()) return nullptr;
        }
        std::string name;
        bool quoted = false;
        if (tok_.kind == Tok::Ident || tok_.kind == Tok::In || tok_.kind == Tok::True ||
            tok_.kind == Tok::False || tok_.kind == Tok::Null) {
          name = tok_.kind == Tok::Ident ? tok_.text : describe(tok_).substr(1, describe(tok_).size() - 2);
        } else if (tok_.kind == Tok::Backquoted) {
          name = tok_.text;
          quoted = true;
        } else {
          set_error(tok_.pos, "unexpected " + describe(tok_) + ", expecting field name");
          return nullptr;
        }
        uint32_t name_pos = tok_.pos;
        if (!chain_step(chain)) return nullptr;
        if (!advance()) return nullptr;
        if (tok_.kind == Tok::LParen && !quoted && !opt) {
          uint32_t lp = tok_.pos;
          std::vector<ExprPtr> args;
          if (!arg_list(args, Tok::RParen)) return nullptr;
          e = receiver_call(std::move(e), std::move(name), name_pos, lp, std::move(args));
          if (!e) return nullptr;
        } else {
          auto s = make(Expr::Type::Select, pos);
          s->optional_op = opt;
          s->name = std::move(name);
          s->args.push_back(std::move(e));
          e = std::move(s);
        }
      } else if (tok_.kind == Tok::LBracket) {
        uint32_t pos = tok_.pos;
        if (!chain_step(chain)) return nullptr;
        if (!advance()) return nullptr;
        bool opt = false;
        if (tok_.kind == Tok::Question) {
          opt = true;
          if (!advance()) return nullptr;
        }
        ExprPtr idx = expr();
        if (!idx) return nullptr;
        if (!expect(Tok::RBracket, "']'")) return nullptr;
        e = call(opt ? "_[?_]" : "_[_]", pos, std::move(e), std::move(idx));
      } else {
        return e;
      }
    }
  }

  // Parses "(" [expr {"," expr}] ")" (or "[" ... "]"), the opening token being current.
  bool arg_list(std::vector<ExprPtr>& out, Tok close, std::vector<bool>* optional = nullptr) {
    if (!advance()) return false;
    if (tok_.kind == close) return advance();
    while (true) {
      bool opt = false;
      if (optional && tok_.kind == Tok::Question) {
        opt = true;
        if (!advance()) return false;
      }
      if (optional) optional->push_back(opt);
      ExprPtr a = expr();
      if (!a) return false;
      out.push_back(std::move(a));
      if (tok_.kind == Tok::Comma) {
        if (!advance()) return false;
        if (close == Tok::RBracket && tok_.kind == close) return advance();  // trailing comma
        continue;
      }
      return expect(close, close == Tok::RParen ? "')' or ','" : "']' or ','");
    }
  }

  ExprPtr receiver_call(ExprPtr target, std::string name, uint32_t name_pos, uint32_t lp,
                        std::vector<ExprPtr> args) {
    MacroKind mk;
    bool macro = false;
    size_t n = args.size();
    // two-variable comprehensions
    int two = 0;
    if ((name == "all" || name == "exists" || name == "existsOne") && n == 3) {
      two = 1;
      mk = name == "all" ? MacroKind::All2 : (name == "exists" ? MacroKind::Exists2 : MacroKind::ExistsOne2);
    } else if ((name == "transformList" || name == "transformMap") && (n == 3 || n == 4)) {
      two = 1;
      bool list = name == "transformList";
      mk = n == 3 ? (list ? MacroKind::TransformList : MacroKind::TransformMap)
                  : (list ? MacroKind::TransformListFilter : MacroKind::TransformMapFilter);
    }
    if (two) {
      for (size_t k = 0; k < 2; ++k) {
        const Expr& v = *args[k];
        if (v.type != Expr::Type::Ident || v.leading_dot) {
          set_error(v.pos, "argument of " + name + "() must be a simple name");
          return nullptr;
        }
      }
      if (args[0]->name == args[1]->name) {
        set_error(args[1]->pos, "duplicate variable name '" + args[1]->name + "' in " + name + "()");
        return nullptr;
      }
      auto e = make(Expr::Type::Comprehension, name_pos);
      e->macro = mk;
      e->name = args[0]->name;
      e->name2 = args[1]->name;
      e->args.push_back(std::move(target));
      for (size_t i = 2; i < n; ++i) e->args.push_back(std::move(args[i]));
      return e;
    }
    if ((name == "optMap" || name == "optFlatMap") && n == 2) {
      const Expr& v = *args[0];
      if (v.type != Expr::Type::Ident || v.leading_dot) {
        set_error(v.pos, "argument of " + name + "() must be a simple name");
        return nullptr;
      }
      auto e = make(Expr::Type::Comprehension, name_pos);
      e->macro = name == "optMap" ? MacroKind::OptMap : MacroKind::OptFlatMap;
      e->name = v.name;
      e->args.push_back(std::move(target));
      e->args.push_back(std::move(args[1]));
      return e;
    }
    if (name == "all" && n == 2) macro = true, mk = MacroKind::All;
    else if (name == "existsOne" && n == 2) macro = true, mk = MacroKind::ExistsOne;
    else if (name == "exists" && n == 2) macro = true, mk = MacroKind::Exists;
    else if (name == "exists_one" && n == 2) macro = true, mk = MacroKind::ExistsOne;
    else if (name == "filter" && n == 2) macro = true, mk = MacroKind::Filter;
    else if (name == "map" && n == 2) macro = true, mk = MacroKind::Map;
    else if (name == "map" && n == 3) macro = true, mk = MacroKind::MapFilter;
    if (macro) {
      const Expr& v = *args[0];
      if (v.type != Expr::Type::Ident || v.leading_dot) {
        set_error(v.pos, "argument of " + name + "() must be a simple name");
        return nullptr;
      }
      auto e = make(Expr::Type::Comprehension, name_pos);
      e->macro = mk;
      e->name = v.name;
      e->args.push_back(std::move(target));
      for (size_t i = 1; i < n; ++i) e->args.push_back(std::move(args[i]));
      return e;
    }
    // cel.block([e0, e1, ...], body)
    if (name == "block" && n == 2 && target->type == Expr::Type::Ident && target->name == "cel" &&
        !target->leading_dot) {
      if (args[0]->type != Expr::Type::List) {
        set_error(args[0]->pos, "cel.block() requires a list literal of bindings");
        return nullptr;
      }
      auto e = make(Expr::Type::Comprehension, name_pos);
      e->macro = MacroKind::Block;
      for (auto& b : args[0]->args) e->args.push_back(std::move(b));
      e->args.push_back(std::move(args[1]));
      return e;
    }
    // cel.index(N), cel.iterVar(I, J), cel.accuVar(I, J): block-local names
    if (target->type == Expr::Type::Ident && target->name == "cel" && !target->leading_dot &&
        ((name == "index" && n == 1) || ((name == "iterVar" || name == "accuVar") && n == 2))) {
      std::string id = name == "index" ? "@index" : (name == "iterVar" ? "@it" : "@ac");
      for (auto& a : args) {
        if (a->type != Expr::Type::Literal || !a->literal.is(Kind::Int) || a->literal.as_int() < 0) {
          set_error(a->pos, "cel." + name + "() requires non-negative int literals");
          return nullptr;
        }
        id += ":" + std::to_string(a->literal.as_int());
      }
      auto e = make(Expr::Type::Ident, target->pos);
      e->name = id;
      return e;
    }
    // cel.bind(var, init, expr)
    if (name == "bind" && n == 3 && target->type == Expr::Type::Ident && target->name == "cel" &&
        !target->leading_dot) {
      const Expr& v = *args[0];
      if (v.type != Expr::Type::Ident || v.leading_dot) {
        set_error(v.pos, "argument of cel.bind() must be a simple name");
        return nullptr;
      }
      auto e = make(Expr::Type::Comprehension, name_pos);
      e->macro = MacroKind::Bind;
      e->name = v.name;
      e->args.push_back(std::move(args[1]));
      e->args.push_back(std::move(args[2]));
      return e;
    }
    (void)lp;
    auto e = make(Expr::Type::Call, name_pos);
    e->name = std::move(name);
    e->has_target = true;
    e->args.push_back(std::move(target));
    for (auto& a : args) e->args.push_back(std::move(a));
    return e;
  }

  ExprPtr primary() {
    uint32_t pos = tok_.pos;
    switch (tok_.kind) {
      case Tok::Int: case Tok::Uint: case Tok::Double: case Tok::String: case Tok::Bytes:
      case Tok::True: case Tok::False: case Tok::Null: {
        Token t = tok_;
        if (!advance()) return nullptr;
        return literal_from(t);
      }
      case Tok::Dot:
      case Tok::Ident: {
        bool dot = tok_.kind == Tok::Dot;
        if (dot && !advance()) return nullptr;
        if (tok_.kind != Tok::Ident) {
          set_error(tok_.pos, "unexpected " + describe(tok_) + ", expecting identifier");
          return nullptr;
        }
        std::string name = tok_.text;
        uint32_t name_pos = tok_.pos;
        if (is_reserved(name)) {
          set_error(name_pos, "reserved identifier '" + name + "'");
          return nullptr;
        }
        if (!advance()) return nullptr;
        if (tok_.kind == Tok::LParen) {
          std::vector<ExprPtr> args;
          if (!arg_list(args, Tok::RParen)) return nullptr;
          if (!dot && name == "has" && args.size() == 1) {
            ExprPtr a = std::move(args[0]);
            if (a->type != Expr::Type::Select || a->test_only) {
              set_error(a->pos, "invalid argument to has() macro");
              return nullptr;
            }
            a->test_only = true;
            return a;
          }
          auto e = make(Expr::Type::Call, name_pos);
          e->name = std::move(name);
          e->leading_dot = dot;
          e->args = std::move(args);
          return e;
        }
        if (tok_.kind == Tok::LBrace) {
          set_error(tok_.pos, "message construction is not supported");
          return nullptr;
        }
        auto e = make(Expr::Type::Ident, dot ? pos : name_pos);
        e->name = std::move(name);
        e->leading_dot = dot;
        return e;
      }
      case Tok::LParen: {
        if (!advance()) return nullptr;
        ExprPtr e = expr();
        if (!e) return nullptr;
        if (!expect(Tok::RParen, "')'")) return nullptr;
        return e;
      }
      case Tok::LBracket: {
        auto e = make(Expr::Type::List, pos);
        if (!arg_list(e->args, Tok::RBracket, &e->optional_entries)) return nullptr;
        return e;
      }
      case Tok::LBrace: {
        auto e = make(Expr::Type::Map, pos);
        if (!advance()) return nullptr;
        while (tok_.kind != Tok::RBrace) {
          bool opt = false;
          if (tok_.kind == Tok::Question) {
            opt = true;
            if (!advance()) return nullptr;
          }
          e->optional_entries.push_back(opt);
          ExprPtr k = expr();
          if (!k) return nullptr;
          if (!expect(Tok::Colon, "':'")) return nullptr;
          ExprPtr v = expr();
          if (!v) return nullptr;
          e->args.push_back(std::move(k));
          e->args.push_back(std::move(v));
          if (tok_.kind == Tok::Comma) {
            if (!advance()) return nullptr;
            continue;
          }
          if (tok_.kind != Tok::RBrace) {
            set_error(tok_.pos, "unexpected " + describe(tok_) + ", expecting '}' or ','");
            return nullptr;
          }
        }
        if (!advance()) return nullptr;
        return e;
      }
      default:
        set_error(tok_.pos, "unexpected " + describe(tok_));
        return nullptr;
    }
  }

  std::string_view src_;
  Lexer lex_;
  ParseLimits limits_;
  Token tok_;
  bool failed_ = false;
  ParseError err_{0, ""};
  int depth_ = 0;
};

}  // namespace

Result<ExprPtr> parse(std::string_view text, const ParseLimits& limits) {
  Parser p(text, limits);
  return p.run();
}

}  // namespace tako::cel
