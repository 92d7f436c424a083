// CEL value model (REFERENCE.md §9): int, uint, double, string, bytes, bool, null,
// list, map, type, timestamp, duration, plus an error value used internally
// for CEL's commutative error absorption.
//
// A Value is 24 bytes. Scalars live inline; strings/bytes of up to 16 bytes are
// stored inline too; larger strings, lists, maps and errors live in
// reference-counted heap objects. A Value may *borrow* a heap object (no
// reference held): evaluation uses that for data owned by the activation or the
// compiled program, so reading `event.payload.env` costs no allocation and no
// atomic operation. Values stored inside lists/maps always own their objects.
// Values returned from Program::eval never borrow.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tako::cel {

enum class Kind : uint8_t {
  Null,
  Bool,
  Int,
  Uint,
  Double,
  String,
  Bytes,
  List,
  Map,
  Type,
  Timestamp,
  Duration,
  Optional,  // optional types extension: optional.of(v) / optional.none()
  Net,       // network extension: net.IP / net.CIDR
  Error,
};

// Types that can be denoted in expressions (`int`, `type(x)`, ...).
enum class TypeKind : uint8_t {
  Null,
  Bool,
  Int,
  Uint,
  Double,
  String,
  Bytes,
  List,
  Map,
  Type,
  Timestamp,
  Duration,
  Optional,
  IP,
  CIDR,
};

std::string_view type_name(TypeKind t);

// Error classes: the evaluator keeps them apart so `tako eval` can report
// unresolved names/functions as compilation errors.
enum class ErrorCode : uint8_t { Eval, Unresolved, CostLimit };

class Value;

namespace detail {
struct HeapObj {
  mutable std::atomic<uint32_t> refs{1};
  virtual ~HeapObj() = default;
};
}  // namespace detail

struct StrRep : detail::HeapObj {
  std::string s;
};
struct ListRep;
struct MapRep;
struct OptRep;
struct NetRep;

// net.IP (prefix < 0) or net.CIDR. IPv4 addresses use the first 4 bytes.
struct NetAddr {
  uint8_t addr[16] = {};
  bool v6 = false;
  int prefix = -1;
};
struct ErrRep : detail::HeapObj {
  std::string message;
  ErrorCode code = ErrorCode::Eval;
};

class Value {
 public:
  Value() noexcept : kind_(Kind::Null) { u_.i = 0; }
  ~Value() { release(); }
  Value(const Value& o) noexcept { copy_from(o); }
  Value(Value&& o) noexcept { std::memcpy(static_cast<void*>(this), &o, sizeof(Value)); o.kind_ = Kind::Null; o.mode_ = kInline; }
  Value& operator=(const Value& o) noexcept {
    if (this != &o) {
      release();
      copy_from(o);
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      release();
      std::memcpy(static_cast<void*>(this), &o, sizeof(Value));
      o.kind_ = Kind::Null;
      o.mode_ = kInline;
    }
    return *this;
  }

  // --- constructors -------------------------------------------------------
  static Value null() { return Value(); }
  static Value boolean(bool b) { Value v; v.kind_ = Kind::Bool; v.u_.b = b; return v; }
  static Value integer(int64_t i) { Value v; v.kind_ = Kind::Int; v.u_.i = i; return v; }
  static Value uinteger(uint64_t u) { Value v; v.kind_ = Kind::Uint; v.u_.u = u; return v; }
  static Value dbl(double d) { Value v; v.kind_ = Kind::Double; v.u_.d = d; return v; }
  static Value string(std::string_view s) { return make_str(Kind::String, s); }
  static Value string(std::string&& s) { return make_str(Kind::String, std::move(s)); }
  static Value string(const char* s) { return make_str(Kind::String, std::string_view(s)); }
  static Value string(const std::string& s) { return make_str(Kind::String, std::string_view(s)); }
  static Value bytes(std::string_view s) { return make_str(Kind::Bytes, s); }
  static Value bytes(std::string&& s) { return make_str(Kind::Bytes, std::move(s)); }
  static Value list(std::vector<Value> items);
  // Builds a map; fails (returns an error value) on repeated or invalid keys.
  static Value map(std::vector<std::pair<Value, Value>> entries);
  static Value type(TypeKind t) { Value v; v.kind_ = Kind::Type; v.u_.t = t; return v; }
  // Timestamp: seconds since the Unix epoch + nanos in [0, 1e9).
  static Value timestamp(int64_t seconds, int32_t nanos) {
    Value v; v.kind_ = Kind::Timestamp; v.u_.tm.sec = seconds; v.u_.tm.nanos = nanos; return v;
  }
  // Duration: total = seconds * 1e9 + nanos, nanos in [0, 1e9).
  static Value duration(int64_t seconds, int32_t nanos) {
    Value v; v.kind_ = Kind::Duration; v.u_.tm.sec = seconds; v.u_.tm.nanos = nanos; return v;
  }
  static Value error(std::string message, ErrorCode code = ErrorCode::Eval);
  static Value optional_of(Value v);
  static Value optional_none();
  static Value net(const NetAddr& addr);
  const NetAddr& net_rep() const;

  // --- access -------------------------------------------------------------
  Kind kind() const { return kind_; }
  bool is(Kind k) const { return kind_ == k; }
  bool is_error() const { return kind_ == Kind::Error; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool as_bool() const { return u_.b; }
  int64_t as_int() const { return u_.i; }
  uint64_t as_uint() const { return u_.u; }
  double as_double() const { return u_.d; }
  TypeKind as_type() const { return u_.t; }
  int64_t seconds() const { return u_.tm.sec; }
  int32_t nanos() const { return u_.tm.nanos; }
  // String or bytes content.
  std::string_view str() const {
    if (mode_ == kInline) return std::string_view(u_.inl, len_);
    return static_cast<const StrRep*>(u_.obj)->s;
  }
  const std::vector<Value>& list_items() const;
  const MapRep& map_rep() const { return *reinterpret_cast<const MapRep*>(u_.obj); }
  // Optional: has a value? / the value (only if has).
  bool optional_has() const;
  const Value& optional_value() const;
  const std::string& error_message() const { return static_cast<const ErrRep*>(u_.obj)->message; }
  ErrorCode error_code() const { return static_cast<const ErrRep*>(u_.obj)->code; }

  TypeKind type_of() const;

  // A copy that does not hold a reference (valid while `*this`'s object lives).
  Value borrowed() const noexcept {
    Value v;
    std::memcpy(static_cast<void*>(&v), this, sizeof(Value));
    if (v.mode_ == kOwned) v.mode_ = kBorrowed;
    return v;
  }
  bool is_borrowed() const { return mode_ == kBorrowed; }
  // Turns a borrowing value into an owning one (takes a reference).
  void own() noexcept {
    if (mode_ == kBorrowed) {
      u_.obj->refs.fetch_add(1, std::memory_order_relaxed);
      mode_ = kOwned;
    }
  }
  Value owned() const& { Value v(*this); v.own(); return v; }
  Value owned() && { Value v(std::move(*this)); v.own(); return v; }

 private:
  friend struct ListRep;
  friend struct MapRep;
  enum Mode : uint8_t { kInline = 0, kOwned = 1, kBorrowed = 2 };

  template <class S>
  static Value make_str(Kind k, S&& s) {
    Value v;
    v.kind_ = k;
    if (s.size() <= sizeof(v.u_.inl)) {
      v.mode_ = kInline;
      v.len_ = static_cast<uint8_t>(s.size());
      if (!s.empty()) std::memcpy(v.u_.inl, s.data(), s.size());
    } else {
      auto* r = new StrRep();
      r->s = std::string(std::forward<S>(s));
      v.mode_ = kOwned;
      v.u_.obj = r;
    }
    return v;
  }
  static Value from_obj(Kind k, detail::HeapObj* obj) {
    Value v;
    v.kind_ = k;
    v.mode_ = kOwned;
    v.u_.obj = obj;
    return v;
  }
  bool heap() const { return mode_ != kInline; }
  void copy_from(const Value& o) noexcept {
    std::memcpy(static_cast<void*>(this), &o, sizeof(Value));
    if (mode_ == kOwned) u_.obj->refs.fetch_add(1, std::memory_order_relaxed);
  }
  void release() noexcept {
    if (mode_ == kOwned && u_.obj->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete u_.obj;
  }

  Kind kind_;
  uint8_t mode_ = kInline;
  uint8_t len_ = 0;
  union U {
    bool b;
    int64_t i;
    uint64_t u;
    double d;
    TypeKind t;
    struct {
      int64_t sec;
      int32_t nanos;
    } tm;
    char inl[16];
    detail::HeapObj* obj;
  } u_;
};

static_assert(sizeof(Value) == 24);

struct ListRep : detail::HeapObj {
  std::vector<Value> items;
};

// Map entries are kept sorted by key (bool < int < uint < string, then by
// value) — the order of §9.6 output — and looked up by binary search.
struct MapRep : detail::HeapObj {
  std::vector<std::pair<Value, Value>> entries;
  // Lookup with CEL key semantics (numeric keys compare across int/uint/double).
  const Value* find(const Value& key) const;
  const Value* find_string(std::string_view key) const;
};

struct NetRep : detail::HeapObj {
  NetAddr a;
};

struct OptRep : detail::HeapObj {
  bool has = false;
  Value value;
};

inline const NetAddr& Value::net_rep() const { return static_cast<const NetRep*>(u_.obj)->a; }
inline bool Value::optional_has() const { return static_cast<const OptRep*>(u_.obj)->has; }
inline const Value& Value::optional_value() const { return static_cast<const OptRep*>(u_.obj)->value; }

inline const std::vector<Value>& Value::list_items() const { return static_cast<const ListRep*>(u_.obj)->items; }

// Heterogeneous CEL equality. Returns an error value only if one side is an error.
bool values_equal(const Value& a, const Value& b);
// Total order used to sort map keys (bool < int < uint < string).
bool key_less(const Value& a, const Value& b);

}  // namespace tako::cel
