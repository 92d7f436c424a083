// Internal: Go text/template's lexer (same items, positions, lines and
// error texts), producing items lazily as the parser asks for them.
#pragma once

#include <deque>
#include <string>
#include <string_view>

namespace tako::tmpl::lex {

enum class ItemType : uint8_t {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  Eof,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  Keyword,  // delimiter: the ones below are keywords
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
};

struct Item {
  ItemType typ = ItemType::Error;
  int pos = 0;
  std::string_view val;  // view into the template text (or the lexer's error messages)
  int line = 0;
};

// item.String() of Go's lexer, used in "unexpected <item> in <context>".
std::string item_string(const Item& i);

class Lexer {
 public:
  explicit Lexer(std::string_view input);
  Item next_item();

 private:
  enum class State { Text, LeftDelim, Comment, RightDelim, InsideAction, Space, Identifier, Field, Variable,
                     Char, Number, Quote, RawQuote, Done };

  int32_t next();
  int32_t peek();
  void backup();
  void emit(ItemType t);
  void ignore();
  bool accept(std::string_view valid);
  void accept_run(std::string_view valid);
  State errorf(std::string msg);
  bool at_terminator();
  bool at_right_delim(bool& trim);
  bool scan_number();

  State lex_text();
  State lex_left_delim();
  State lex_comment();
  State lex_right_delim();
  State lex_inside_action();
  State lex_space();
  State lex_identifier();
  State lex_field_or_variable(ItemType typ);
  State lex_char();
  State lex_number();
  State lex_quote();
  State lex_raw_quote();

  std::string_view input_;
  size_t pos_ = 0;
  size_t start_ = 0;
  bool at_eof_ = false;
  int paren_depth_ = 0;
  int line_ = 1;
  int start_line_ = 1;
  State state_ = State::Text;
  // Pending items: a state emits at most two before returning.
  Item items_[4];
  size_t head_ = 0;
  size_t count_ = 0;
  void push(Item it) {
    items_[(head_ + count_) % 4] = it;
    ++count_;
  }
  std::deque<std::string> messages_;  // storage for error item texts
};

}  // namespace tako::tmpl::lex
