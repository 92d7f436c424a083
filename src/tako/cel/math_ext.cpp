// cel-go math extension (math.greatest/least, rounding, abs/sign, NaN/Inf
// tests, bit operations).
#include <cmath>

#include "tako/cel/interp.h"
#include "tako/cel/numeric.h"

namespace tako::cel {

namespace {

Value extreme(const Value* a, size_t n, bool greatest) {
  const Value* items = a;
  size_t count = n;
  if (n == 1 && a[0].is(Kind::List)) {
    items = a[0].list_items().data();
    count = a[0].list_items().size();
    if (count == 0) return Value::error(std::string("math.") + (greatest ? "greatest" : "least") + "(list) argument must not be empty");
  }
  const Value* best = nullptr;
  for (size_t i = 0; i < count; ++i) {
    if (!is_numeric(items[i].kind())) return no_such_overload();
    if (!best) {
      best = &items[i];
      continue;
    }
    int c = numeric_compare(items[i], *best);
    if (c != kUnordered && (greatest ? c > 0 : c < 0)) best = &items[i];
  }
  return *best;
}

Value double_fn(const Value* a, double (*f)(double)) {
  if (!a[0].is(Kind::Double)) return no_such_overload();
  return Value::dbl(f(a[0].as_double()));
}

}  // namespace

Value fn_math_greatest(const Value* a, size_t n) { return extreme(a, n, true); }
Value fn_math_least(const Value* a, size_t n) { return extreme(a, n, false); }
Value fn_math_ceil(const Value* a, size_t) { return double_fn(a, [](double d) { return std::ceil(d); }); }
Value fn_math_floor(const Value* a, size_t) { return double_fn(a, [](double d) { return std::floor(d); }); }
Value fn_math_round(const Value* a, size_t) { return double_fn(a, [](double d) { return std::round(d); }); }
Value fn_math_trunc(const Value* a, size_t) { return double_fn(a, [](double d) { return std::trunc(d); }); }

Value fn_math_sqrt(const Value* a, size_t) {
  switch (a[0].kind()) {
    case Kind::Int: return Value::dbl(std::sqrt(static_cast<double>(a[0].as_int())));
    case Kind::Uint: return Value::dbl(std::sqrt(static_cast<double>(a[0].as_uint())));
    case Kind::Double: return Value::dbl(std::sqrt(a[0].as_double()));
    default: return no_such_overload();
  }
}

Value fn_math_abs(const Value* a, size_t) {
  switch (a[0].kind()) {
    case Kind::Int:
      if (a[0].as_int() == INT64_MIN) return Value::error("integer overflow");
      return Value::integer(a[0].as_int() < 0 ? -a[0].as_int() : a[0].as_int());
    case Kind::Uint: return a[0];
    case Kind::Double: return Value::dbl(std::fabs(a[0].as_double()));
    default: return no_such_overload();
  }
}

Value fn_math_sign(const Value* a, size_t) {
  switch (a[0].kind()) {
    case Kind::Int: return Value::integer(a[0].as_int() > 0 ? 1 : (a[0].as_int() < 0 ? -1 : 0));
    case Kind::Uint: return Value::uinteger(a[0].as_uint() > 0 ? 1 : 0);
    case Kind::Double: {
      double d = a[0].as_double();
      if (std::isnan(d)) return a[0];
      return Value::dbl(d > 0 ? 1.0 : (d < 0 ? -1.0 : 0.0));
    }
    default: return no_such_overload();
  }
}

Value fn_math_is_nan(const Value* a, size_t) {
  if (!a[0].is(Kind::Double)) return no_such_overload();
  return Value::boolean(std::isnan(a[0].as_double()));
}
Value fn_math_is_inf(const Value* a, size_t) {
  if (!a[0].is(Kind::Double)) return no_such_overload();
  return Value::boolean(std::isinf(a[0].as_double()));
}
Value fn_math_is_finite(const Value* a, size_t) {
  if (!a[0].is(Kind::Double)) return no_such_overload();
  return Value::boolean(std::isfinite(a[0].as_double()));
}

namespace {
template <class Op>
Value bitwise(const Value* a, Op op) {
  if (a[0].is(Kind::Int) && a[1].is(Kind::Int))
    return Value::integer(static_cast<int64_t>(op(static_cast<uint64_t>(a[0].as_int()), static_cast<uint64_t>(a[1].as_int()))));
  if (a[0].is(Kind::Uint) && a[1].is(Kind::Uint)) return Value::uinteger(op(a[0].as_uint(), a[1].as_uint()));
  return no_such_overload();
}

Value shift(const Value* a, bool left) {
  if (!a[1].is(Kind::Int) || !(a[0].is(Kind::Int) || a[0].is(Kind::Uint))) return no_such_overload();
  int64_t s = a[1].as_int();
  if (s < 0) return Value::error("math.bitShift: negative offset: " + std::to_string(s));
  uint64_t v = a[0].is(Kind::Int) ? static_cast<uint64_t>(a[0].as_int()) : a[0].as_uint();
  uint64_t r = s >= 64 ? 0 : (left ? v << s : v >> s);
  return a[0].is(Kind::Int) ? Value::integer(static_cast<int64_t>(r)) : Value::uinteger(r);
}
}  // namespace

Value fn_math_bit_and(const Value* a, size_t) { return bitwise(a, [](uint64_t x, uint64_t y) { return x & y; }); }
Value fn_math_bit_or(const Value* a, size_t) { return bitwise(a, [](uint64_t x, uint64_t y) { return x | y; }); }
Value fn_math_bit_xor(const Value* a, size_t) { return bitwise(a, [](uint64_t x, uint64_t y) { return x ^ y; }); }
Value fn_math_bit_not(const Value* a, size_t) {
  if (a[0].is(Kind::Int)) return Value::integer(~a[0].as_int());
  if (a[0].is(Kind::Uint)) return Value::uinteger(~a[0].as_uint());
  return no_such_overload();
}
Value fn_math_bit_shift_left(const Value* a, size_t) { return shift(a, true); }
Value fn_math_bit_shift_right(const Value* a, size_t) { return shift(a, false); }

}  // namespace tako::cel
