// Internal: the parts of Go's unicode/utf8, strconv and fmt packages that
// text/template output depends on, re-implemented for tako's value model.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tako/tmpl/value.h"

namespace tako::tmpl::gofmt {

constexpr int32_t kRuneError = 0xFFFD;
constexpr int32_t kMaxRune = 0x10FFFF;

struct Rune {
  int32_t r;
  int size;
};
// utf8.DecodeRuneInString(s[i:]); {RuneError, 1} on invalid input, {RuneError, 0} at end.
Rune decode_rune(std::string_view s, size_t i = 0);
// utf8.DecodeLastRuneInString(s[:end]).
Rune decode_last_rune(std::string_view s, size_t end);
void append_rune(std::string& out, int32_t r);  // utf8.EncodeRune (invalid → U+FFFD)
size_t rune_count(std::string_view s);
bool valid_utf8(std::string_view s);
bool valid_rune(int32_t r);

bool is_letter(int32_t r);  // unicode.IsLetter (approximation outside ASCII)
bool is_digit(int32_t r);   // unicode.IsDigit
bool is_print(int32_t r);   // unicode.IsPrint / strconv.IsPrint
bool is_space(int32_t r);   // unicode.IsSpace

// strconv.Quote / QuoteToASCII / QuoteRune / QuoteRuneToASCII / CanBackquote.
void quote(std::string& out, std::string_view s, bool ascii_only = false);
std::string quote(std::string_view s);
void quote_rune(std::string& out, int32_t r, bool ascii_only = false);
bool can_backquote(std::string_view s);

// strconv.FormatFloat(v, fmt, prec, 64) for fmt in e E f g G x X b.
void format_float(std::string& out, double v, char fmt, int prec);
std::string format_float(double v, char fmt, int prec);

// Output budget for sprintf on this thread (bytes): formatting stops with
// `false` once the result grows beyond it. Set by the executor from
// ExecOptions::max_output.
struct FormatLimit {
  explicit FormatLimit(size_t limit);
  ~FormatLimit();
  size_t saved;
};
size_t format_limit();

// fmt.Sprint / fmt.Sprintln / fmt.Sprintf over template values. Arguments are
// Go interface{} values: invalid and nil values are Go's nil.
void sprint(std::string& out, const std::vector<Value>& args);
void sprintln(std::string& out, const std::vector<Value>& args);
bool sprintf(std::string& out, std::string_view format, const std::vector<Value>& args);
// fmt.Sprint(v) for one value (the %v form of §8.2).
void print_v(std::string& out, const Value& v);

}  // namespace tako::tmpl::gofmt
