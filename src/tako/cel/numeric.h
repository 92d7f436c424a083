// Exact comparison across int64 / uint64 / double (CEL heterogeneous numeric
// equality and ordering) and overflow-checked integer arithmetic.
#pragma once

#include <cmath>
#include <cstdint>

#include "tako/cel/value.h"

namespace tako::cel {

inline constexpr int kUnordered = 2;

inline int cmp3(auto a, auto b) { return a < b ? -1 : (b < a ? 1 : 0); }

inline int cmp_int_uint(int64_t i, uint64_t u) {
  if (i < 0) return -1;
  return cmp3(static_cast<uint64_t>(i), u);
}

// Like cel-go: out-of-range doubles order first, otherwise compare as doubles
// (the int -> double conversion may round).
inline int cmp_int_double(int64_t i, double d) {
  if (std::isnan(d)) return kUnordered;
  if (d < -9223372036854775808.0) return 1;
  if (d > 9223372036854775808.0) return -1;
  return cmp3(static_cast<double>(i), d);
}

inline int cmp_uint_double(uint64_t u, double d) {
  if (std::isnan(d)) return kUnordered;
  if (d < 0) return 1;
  if (d > 18446744073709551616.0) return -1;
  return cmp3(static_cast<double>(u), d);
}

// Both values numeric. Returns -1, 0, 1, or kUnordered (NaN involved).
inline int numeric_compare(const Value& a, const Value& b) {
  switch (a.kind()) {
    case Kind::Int:
      if (b.is(Kind::Int)) return cmp3(a.as_int(), b.as_int());
      if (b.is(Kind::Uint)) return cmp_int_uint(a.as_int(), b.as_uint());
      return cmp_int_double(a.as_int(), b.as_double());
    case Kind::Uint:
      if (b.is(Kind::Uint)) return cmp3(a.as_uint(), b.as_uint());
      if (b.is(Kind::Int)) return -cmp_int_uint(b.as_int(), a.as_uint());
      return cmp_uint_double(a.as_uint(), b.as_double());
    default: {
      double d = a.as_double();
      if (b.is(Kind::Double)) {
        if (std::isnan(d) || std::isnan(b.as_double())) return kUnordered;
        return cmp3(d, b.as_double());
      }
      int r = b.is(Kind::Int) ? cmp_int_double(b.as_int(), d) : cmp_uint_double(b.as_uint(), d);
      return r == kUnordered ? r : -r;
    }
  }
}

inline bool is_numeric(Kind k) { return k == Kind::Int || k == Kind::Uint || k == Kind::Double; }

}  // namespace tako::cel
