// CEL abstract syntax tree produced by the parser (macros already expanded
// into Comprehension / Has nodes).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tako/cel/value.h"
#include "tako/util/result.h"

namespace tako::cel {

enum class MacroKind : uint8_t {
  All, Exists, ExistsOne, Map, MapFilter, Filter, Bind,
  // two-variable comprehensions (cel-go macros2): var `name` = index/key, `name2` = value
  All2, Exists2, ExistsOne2, TransformList, TransformListFilter, TransformMap, TransformMapFilter,
  // optional types: args[0].optMap(name, args[1]) / optFlatMap
  OptMap, OptFlatMap,
  // cel.block([args[0..n-2]], args[n-1]); entries are bound to `@index:<i>`
  Block,
};

struct Expr {
  enum class Type : uint8_t {
    Literal,        // literal
    Ident,          // name (may contain no dots), leading_dot
    Select,         // args[0].name ; test_only for has()
    Call,           // name(args...) or target.name(args...) when has_target (target = args[0])
    List,           // [args...]
    Map,            // {args[0]: args[1], ...}
    Comprehension,  // macro over args[0] with var `name`; args[1..] = predicate / transform
                    // (Bind: cel.bind(name, args[0], args[1]))
  };
  Type type = Type::Literal;
  uint32_t pos = 0;  // byte offset in the source
  bool leading_dot = false;
  bool has_target = false;
  bool test_only = false;
  bool optional_op = false;  // Select: `x.?f`
  MacroKind macro = MacroKind::All;
  std::string name;
  std::string name2;  // second comprehension variable
  Value literal;
  std::vector<std::unique_ptr<Expr>> args;
  // List: element i is optional (`[?x]`); Map: entry i is optional (`{?k: v}`).
  std::vector<bool> optional_entries;
};

using ExprPtr = std::unique_ptr<Expr>;

struct ParseLimits {
  size_t max_text_bytes = 100 * 1024;
  int max_depth = 250;
};

// Parses `text`. Errors carry "line L, column C" positions.
Result<ExprPtr> parse(std::string_view text, const ParseLimits& limits = {});

// 1-based line and column (in code points) of byte offset `pos`.
std::pair<int, int> line_col(std::string_view text, uint32_t pos);

}  // namespace tako::cel
