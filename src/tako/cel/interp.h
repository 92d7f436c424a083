// Internal: evaluation nodes, frame and builtin function registry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tako/cel/value.h"

namespace tako::cel {

inline constexpr uint64_t kMaxIterations = 1'000'000;
inline constexpr size_t kMaxProducedBytes = 64u * 1024u * 1024u;

// Thrown (inside the engine only) when a limit of §9.3 is exceeded; caught by
// Program::eval.
struct CostLimitExceeded {};

inline void check_size(size_t n) {
  if (n > kMaxProducedBytes) throw CostLimitExceeded{};
}

struct Frame {
  const Value* const* vars = nullptr;  // program variable slots (nullptr = unbound)
  Value* locals = nullptr;
  uint64_t iterations = 0;
};

struct Node {
  virtual ~Node() = default;
  virtual Value eval(Frame& f) const = 0;
};
using NodePtr = std::unique_ptr<Node>;

inline Value no_such_overload() { return Value::error("no such overload"); }

// Builtin functions: args[0] is the receiver for receiver-style calls.
using Fn = Value (*)(const Value* args, size_t n);

struct FnDef {
  std::string_view name;
  uint32_t global_arities;    // bit k: callable as name(a1..ak)
  uint32_t receiver_arities;  // bit k: callable as x.name(a1..ak)
  Fn fn;
};

const FnDef* find_function(std::string_view name);

// Shared helpers used by several function files.
Value make_string_checked(std::string&& s);
Value make_bytes_checked(std::string&& s);
Value make_list_checked(std::vector<Value>&& items);

// Timestamps / durations (time.cpp).
Value parse_timestamp(std::string_view s);
Value parse_duration(std::string_view s);
std::string timestamp_to_string(int64_t sec, int32_t nanos);
std::string duration_to_string(int64_t sec, int32_t nanos);
Value make_timestamp_checked(__int128 total_nanos);
Value make_duration_checked(__int128 total_nanos);
__int128 total_nanos(const Value& v);
Value timestamp_getter(std::string_view name, const Value* args, size_t n);
Value duration_getter(std::string_view name, const Value& d);

// net.IP / net.CIDR text (network.cpp).
std::string net_to_string(const NetAddr& n);

// Go-style `%g`-shortest formatting used by string(double).
std::string double_to_string(double d);

// Appends `s` as a double-quoted CEL string literal (§9.6 escapes); shared by
// `tako eval` output and strings.quote.
void quote_string(std::string& out, std::string_view s);

}  // namespace tako::cel
