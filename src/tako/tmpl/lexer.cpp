#include "tako/tmpl/lexer.h"

#include <algorithm>

#include "tako/tmpl/gofmt.h"

namespace tako::tmpl::lex {

namespace {

constexpr int32_t kEof = -1;
constexpr std::string_view kLeftDelim = "{{";
constexpr std::string_view kRightDelim = "}}";
constexpr std::string_view kLeftComment = "/*";
constexpr std::string_view kRightComment = "*/";
constexpr size_t kTrimMarkerLen = 2;

bool is_space(int32_t r) { return r == ' ' || r == '\t' || r == '\r' || r == '\n'; }
bool is_space_byte(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_alnum(int32_t r) {
  if (r < 0) return false;
  return r == '_' || gofmt::is_letter(r) || gofmt::is_digit(r);
}

bool has_left_trim_marker(std::string_view s) { return s.size() >= 2 && s[0] == '-' && is_space_byte(s[1]); }
bool has_right_trim_marker(std::string_view s) { return s.size() >= 2 && is_space_byte(s[0]) && s[1] == '-'; }

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

size_t right_trim_length(std::string_view s) {
  size_t n = s.size();
  while (n > 0 && is_space_byte(s[n - 1])) --n;
  return s.size() - n;
}
size_t left_trim_length(std::string_view s) {
  size_t n = 0;
  while (n < s.size() && is_space_byte(s[n])) ++n;
  return n;
}

int count_newlines(std::string_view s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

// fmt's %#U for a rune.
std::string sharp_u(int32_t r) {
  std::string out = "U+";
  char buf[16];
  snprintf(buf, sizeof buf, "%04X", static_cast<unsigned>(r));
  out += buf;
  if (r >= 0 && r <= gofmt::kMaxRune && gofmt::is_print(r)) {
    out += " '";
    gofmt::append_rune(out, r);
    out += '\'';
  }
  return out;
}

ItemType keyword(std::string_view w) {
  if (w == ".") return ItemType::Dot;
  if (w == "block") return ItemType::Block;
  if (w == "break") return ItemType::Break;
  if (w == "continue") return ItemType::Continue;
  if (w == "define") return ItemType::Define;
  if (w == "else") return ItemType::Else;
  if (w == "end") return ItemType::End;
  if (w == "if") return ItemType::If;
  if (w == "range") return ItemType::Range;
  if (w == "nil") return ItemType::Nil;
  if (w == "template") return ItemType::Template;
  if (w == "with") return ItemType::With;
  return ItemType::Error;
}

}  // namespace

std::string item_string(const Item& i) {
  if (i.typ == ItemType::Eof) return "EOF";
  if (i.typ == ItemType::Error) return std::string(i.val);
  if (i.typ > ItemType::Keyword) return "<" + std::string(i.val) + ">";
  if (gofmt::rune_count(i.val) > 10) {
    // %.10q: quote the first ten runes
    size_t p = 0;
    for (int k = 0; k < 10; ++k) p += static_cast<size_t>(gofmt::decode_rune(i.val, p).size);
    return gofmt::quote(i.val.substr(0, p)) + "...";
  }
  return gofmt::quote(i.val);
}

Lexer::Lexer(std::string_view input) : input_(input) {}

int32_t Lexer::next() {
  if (pos_ >= input_.size()) {
    at_eof_ = true;
    return kEof;
  }
  auto c = static_cast<unsigned char>(input_[pos_]);
  int32_t r;
  if (c < 0x80) {
    r = c;
    pos_ += 1;
  } else {
    gofmt::Rune rr = gofmt::decode_rune(input_, pos_);
    r = rr.r;
    pos_ += static_cast<size_t>(rr.size);
  }
  if (r == '\n') line_++;
  return r;
}

int32_t Lexer::peek() {
  int32_t r = next();
  backup();
  return r;
}

void Lexer::backup() {
  if (!at_eof_ && pos_ > 0) {
    gofmt::Rune r = gofmt::decode_last_rune(input_, pos_);
    pos_ -= static_cast<size_t>(r.size);
    if (r.r == '\n') line_--;
  }
}

void Lexer::emit(ItemType t) {
  push(Item{t, static_cast<int>(start_), input_.substr(start_, pos_ - start_), start_line_});
  start_ = pos_;
  start_line_ = line_;
}

void Lexer::ignore() {
  line_ += count_newlines(input_.substr(start_, pos_ - start_));
  start_ = pos_;
  start_line_ = line_;
}

bool Lexer::accept(std::string_view valid) {
  int32_t r = next();
  if (r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos) return true;
  backup();
  return false;
}

void Lexer::accept_run(std::string_view valid) {
  for (;;) {
    int32_t r = next();
    if (!(r >= 0 && r < 0x80 && valid.find(static_cast<char>(r)) != std::string_view::npos)) break;
  }
  backup();
}

Lexer::State Lexer::errorf(std::string msg) {
  messages_.push_back(std::move(msg));
  push(Item{ItemType::Error, static_cast<int>(start_), messages_.back(), start_line_});
  return State::Done;
}

Item Lexer::next_item() {
  while (count_ == 0) {
    switch (state_) {
      case State::Text: state_ = lex_text(); break;
      case State::LeftDelim: state_ = lex_left_delim(); break;
      case State::Comment: state_ = lex_comment(); break;
      case State::RightDelim: state_ = lex_right_delim(); break;
      case State::InsideAction: state_ = lex_inside_action(); break;
      case State::Space: state_ = lex_space(); break;
      case State::Identifier: state_ = lex_identifier(); break;
      case State::Field: state_ = lex_field_or_variable(ItemType::Field); break;
      case State::Variable:
        if (at_terminator()) {
          emit(ItemType::Variable);
          state_ = State::InsideAction;
        } else {
          state_ = lex_field_or_variable(ItemType::Variable);
        }
        break;
      case State::Char: state_ = lex_char(); break;
      case State::Number: state_ = lex_number(); break;
      case State::Quote: state_ = lex_quote(); break;
      case State::RawQuote: state_ = lex_raw_quote(); break;
      case State::Done:
        // The channel is closed: Go yields zero items.
        return Item{ItemType::Eof, static_cast<int>(input_.size()), std::string_view(), line_};
    }
  }
  Item it = items_[head_];
  head_ = (head_ + 1) % 4;
  --count_;
  return it;
}

Lexer::State Lexer::lex_text() {
  size_t x = input_.find(kLeftDelim, pos_);
  if (x != std::string_view::npos) {
    size_t ldn = kLeftDelim.size();
    pos_ = x;
    size_t trim = 0;
    if (has_left_trim_marker(input_.substr(pos_ + ldn))) trim = right_trim_length(input_.substr(start_, pos_ - start_));
    pos_ -= trim;
    if (pos_ > start_) {
      line_ += count_newlines(input_.substr(start_, pos_ - start_));
      emit(ItemType::Text);
    }
    pos_ += trim;
    ignore();
    return State::LeftDelim;
  }
  pos_ = input_.size();
  if (pos_ > start_) {
    line_ += count_newlines(input_.substr(start_, pos_ - start_));
    emit(ItemType::Text);
  }
  emit(ItemType::Eof);
  return State::Done;
}

bool Lexer::at_right_delim(bool& trim) {
  if (has_right_trim_marker(input_.substr(pos_)) && starts_with(input_.substr(pos_ + kTrimMarkerLen), kRightDelim)) {
    trim = true;
    return true;
  }
  trim = false;
  return starts_with(input_.substr(pos_), kRightDelim);
}

Lexer::State Lexer::lex_left_delim() {
  pos_ += kLeftDelim.size();
  bool trim = has_left_trim_marker(input_.substr(pos_));
  size_t after = trim ? kTrimMarkerLen : 0;
  if (starts_with(input_.substr(pos_ + after), kLeftComment)) {
    pos_ += after;
    ignore();
    return State::Comment;
  }
  emit(ItemType::LeftDelim);
  pos_ += after;
  ignore();
  paren_depth_ = 0;
  return State::InsideAction;
}

Lexer::State Lexer::lex_comment() {
  pos_ += kLeftComment.size();
  size_t i = input_.find(kRightComment, pos_);
  if (i == std::string_view::npos) return errorf("unclosed comment");
  pos_ = i + kRightComment.size();
  bool trim;
  if (!at_right_delim(trim)) return errorf("comment ends before closing delimiter");
  if (trim) pos_ += kTrimMarkerLen;
  pos_ += kRightDelim.size();
  if (trim) pos_ += left_trim_length(input_.substr(pos_));
  ignore();
  return State::Text;
}

Lexer::State Lexer::lex_right_delim() {
  bool trim = has_right_trim_marker(input_.substr(pos_));
  if (trim) {
    pos_ += kTrimMarkerLen;
    ignore();
  }
  pos_ += kRightDelim.size();
  emit(ItemType::RightDelim);
  if (trim) {
    pos_ += left_trim_length(input_.substr(pos_));
    ignore();
  }
  return State::Text;
}

Lexer::State Lexer::lex_inside_action() {
  bool trim;
  if (at_right_delim(trim)) {
    if (paren_depth_ == 0) return State::RightDelim;
    return errorf("unclosed left paren");
  }
  int32_t r = next();
  if (r == kEof) return errorf("unclosed action");
  if (is_space(r)) {
    backup();
    return State::Space;
  }
  switch (r) {
    case '=': emit(ItemType::Assign); return State::InsideAction;
    case ':':
      if (next() != '=') return errorf("expected :=");
      emit(ItemType::Declare);
      return State::InsideAction;
    case '|': emit(ItemType::Pipe); return State::InsideAction;
    case '"': return State::Quote;
    case '`': return State::RawQuote;
    case '$': return State::Variable;
    case '\'': return State::Char;
    case '.':
      if (pos_ < input_.size()) {
        char c = input_[pos_];
        if (c < '0' || c > '9') return State::Field;
      }
      backup();
      return State::Number;
    case '(':
      emit(ItemType::LeftParen);
      paren_depth_++;
      return State::InsideAction;
    case ')':
      emit(ItemType::RightParen);
      paren_depth_--;
      if (paren_depth_ < 0) return errorf("unexpected right paren " + sharp_u(r));
      return State::InsideAction;
    default: break;
  }
  if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
    backup();
    return State::Number;
  }
  if (is_alnum(r)) {
    backup();
    return State::Identifier;
  }
  if (r < 0x80 && r >= 0x20 && r < 0x7F) {
    emit(ItemType::Char);
    return State::InsideAction;
  }
  return errorf("unrecognized character in action: " + sharp_u(r));
}

Lexer::State Lexer::lex_space() {
  int num_spaces = 0;
  for (;;) {
    int32_t r = peek();
    if (!is_space(r)) break;
    next();
    num_spaces++;
  }
  if (has_right_trim_marker(input_.substr(pos_ - 1)) &&
      starts_with(input_.substr(pos_ - 1 + kTrimMarkerLen), kRightDelim)) {
    backup();
    if (num_spaces == 1) return State::RightDelim;
  }
  emit(ItemType::Space);
  return State::InsideAction;
}

bool Lexer::at_terminator() {
  int32_t r = peek();
  if (is_space(r)) return true;
  switch (r) {
    case kEof: case '.': case ',': case '|': case ':': case ')': case '(':
      return true;
    default:
      break;
  }
  return starts_with(input_.substr(pos_), kRightDelim);
}

Lexer::State Lexer::lex_identifier() {
  for (;;) {
    int32_t r = next();
    if (is_alnum(r)) continue;
    backup();
    std::string_view word = input_.substr(start_, pos_ - start_);
    if (!at_terminator()) return errorf("bad character " + sharp_u(r));
    ItemType kw = keyword(word);
    if (kw != ItemType::Error) {
      emit(kw);
    } else if (word[0] == '.') {
      emit(ItemType::Field);
    } else if (word == "true" || word == "false") {
      emit(ItemType::Bool);
    } else {
      emit(ItemType::Identifier);
    }
    return State::InsideAction;
  }
}

Lexer::State Lexer::lex_field_or_variable(ItemType typ) {
  if (at_terminator()) {
    emit(typ == ItemType::Variable ? ItemType::Variable : ItemType::Dot);
    return State::InsideAction;
  }
  int32_t r;
  for (;;) {
    r = next();
    if (!is_alnum(r)) {
      backup();
      break;
    }
  }
  if (!at_terminator()) return errorf("bad character " + sharp_u(r));
  emit(typ);
  return State::InsideAction;
}

Lexer::State Lexer::lex_char() {
  for (;;) {
    int32_t r = next();
    if (r == '\\') {
      int32_t r2 = next();
      if (r2 != kEof && r2 != '\n') continue;
      return errorf("unterminated character constant");
    }
    if (r == kEof || r == '\n') return errorf("unterminated character constant");
    if (r == '\'') break;
  }
  emit(ItemType::CharConstant);
  return State::InsideAction;
}

bool Lexer::scan_number() {
  accept("+-");
  std::string_view digits = "0123456789_";
  if (accept("0")) {
    if (accept("xX")) {
      digits = "0123456789abcdefABCDEF_";
    } else if (accept("oO")) {
      digits = "01234567_";
    } else if (accept("bB")) {
      digits = "01_";
    }
  }
  accept_run(digits);
  if (accept(".")) accept_run(digits);
  if (digits.size() == 10 + 1 && accept("eE")) {
    accept("+-");
    accept_run("0123456789_");
  }
  if (digits.size() == 16 + 6 + 1 && accept("pP")) {
    accept("+-");
    accept_run("0123456789_");
  }
  accept("i");
  if (is_alnum(peek())) {
    next();
    return false;
  }
  return true;
}

Lexer::State Lexer::lex_number() {
  if (!scan_number()) return errorf("bad number syntax: " + gofmt::quote(input_.substr(start_, pos_ - start_)));
  int32_t sign = peek();
  if (sign == '+' || sign == '-') {
    if (!scan_number() || input_[pos_ - 1] != 'i')
      return errorf("bad number syntax: " + gofmt::quote(input_.substr(start_, pos_ - start_)));
    emit(ItemType::Complex);
  } else {
    emit(ItemType::Number);
  }
  return State::InsideAction;
}

Lexer::State Lexer::lex_quote() {
  for (;;) {
    int32_t r = next();
    if (r == '\\') {
      int32_t r2 = next();
      if (r2 != kEof && r2 != '\n') continue;
      return errorf("unterminated quoted string");
    }
    if (r == kEof || r == '\n') return errorf("unterminated quoted string");
    if (r == '"') break;
  }
  emit(ItemType::String);
  return State::InsideAction;
}

Lexer::State Lexer::lex_raw_quote() {
  for (;;) {
    int32_t r = next();
    if (r == kEof) return errorf("unterminated raw quoted string");
    if (r == '`') break;
  }
  emit(ItemType::RawString);
  return State::InsideAction;
}

}  // namespace tako::tmpl::lex
