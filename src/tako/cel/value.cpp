#include "tako/cel/value.h"

#include <algorithm>
#include <cmath>

#include "tako/cel/numeric.h"

namespace tako::cel {

std::string_view type_name(TypeKind t) {
  switch (t) {
    case TypeKind::Null: return "null_type";
    case TypeKind::Bool: return "bool";
    case TypeKind::Int: return "int";
    case TypeKind::Uint: return "uint";
    case TypeKind::Double: return "double";
    case TypeKind::String: return "string";
    case TypeKind::Bytes: return "bytes";
    case TypeKind::List: return "list";
    case TypeKind::Map: return "map";
    case TypeKind::Type: return "type";
    case TypeKind::Timestamp: return "google.protobuf.Timestamp";
    case TypeKind::Duration: return "google.protobuf.Duration";
    case TypeKind::Optional: return "optional_type";
    case TypeKind::IP: return "net.IP";
    case TypeKind::CIDR: return "net.CIDR";
  }
  return "?";
}

TypeKind Value::type_of() const {
  switch (kind_) {
    case Kind::Null: return TypeKind::Null;
    case Kind::Bool: return TypeKind::Bool;
    case Kind::Int: return TypeKind::Int;
    case Kind::Uint: return TypeKind::Uint;
    case Kind::Double: return TypeKind::Double;
    case Kind::String: return TypeKind::String;
    case Kind::Bytes: return TypeKind::Bytes;
    case Kind::List: return TypeKind::List;
    case Kind::Map: return TypeKind::Map;
    case Kind::Type: return TypeKind::Type;
    case Kind::Timestamp: return TypeKind::Timestamp;
    case Kind::Duration: return TypeKind::Duration;
    case Kind::Optional: return TypeKind::Optional;
    case Kind::Net: return net_rep().prefix < 0 ? TypeKind::IP : TypeKind::CIDR;
    case Kind::Error: break;
  }
  return TypeKind::Null;
}

Value Value::list(std::vector<Value> items) {
  auto* r = new ListRep();
  r->items = std::move(items);
  for (auto& v : r->items) v.own();
  return from_obj(Kind::List, r);
}

Value Value::error(std::string message, ErrorCode code) {
  auto* r = new ErrRep();
  r->message = std::move(message);
  r->code = code;
  return from_obj(Kind::Error, r);
}

Value Value::optional_of(Value v) {
  auto* r = new OptRep();
  r->has = true;
  r->value = std::move(v);
  r->value.own();
  return from_obj(Kind::Optional, r);
}

Value Value::net(const NetAddr& addr) {
  auto* r = new NetRep();
  r->a = addr;
  return from_obj(Kind::Net, r);
}

Value Value::optional_none() { return from_obj(Kind::Optional, new OptRep()); }

static int key_rank(Kind k) {
  switch (k) {
    case Kind::Bool: return 0;
    case Kind::Int: return 1;
    case Kind::Uint: return 2;
    case Kind::String: return 3;
    default: return 4;
  }
}

bool key_less(const Value& a, const Value& b) {
  int ra = key_rank(a.kind()), rb = key_rank(b.kind());
  if (ra != rb) return ra < rb;
  switch (a.kind()) {
    case Kind::Bool: return a.as_bool() < b.as_bool();
    case Kind::Int: return a.as_int() < b.as_int();
    case Kind::Uint: return a.as_uint() < b.as_uint();
    case Kind::String: return a.str() < b.str();
    default: return false;
  }
}

Value Value::map(std::vector<std::pair<Value, Value>> entries) {
  for (auto& [k, v] : entries) {
    if (k.is_error()) return k;
    if (v.is_error()) return v;
    if (key_rank(k.kind()) > 3) return Value::error("unsupported key type");
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& x, const auto& y) { return key_less(x.first, y.first); });
  std::vector<uint64_t> nonneg;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Value& k = entries[i].first;
    if (i > 0 && !key_less(entries[i - 1].first, k)) return Value::error("Failed with repeated key");
    if (k.is(Kind::Int) && k.as_int() >= 0) nonneg.push_back(static_cast<uint64_t>(k.as_int()));
    if (k.is(Kind::Uint)) nonneg.push_back(k.as_uint());
  }
  if (nonneg.size() > 1) {
    std::sort(nonneg.begin(), nonneg.end());
    if (std::adjacent_find(nonneg.begin(), nonneg.end()) != nonneg.end())
      return Value::error("Failed with repeated key");
  }
  auto* r = new MapRep();
  r->entries = std::move(entries);
  for (auto& [k, v] : r->entries) {
    k.own();
    v.own();
  }
  return from_obj(Kind::Map, r);
}

namespace {
const Value* find_exact(const std::vector<std::pair<Value, Value>>& es, const Value& key) {
  auto it = std::lower_bound(es.begin(), es.end(), key,
                             [](const std::pair<Value, Value>& e, const Value& k) { return key_less(e.first, k); });
  if (it != es.end() && !key_less(key, it->first)) return &it->second;
  return nullptr;
}
}  // namespace

const Value* MapRep::find_string(std::string_view key) const {
  // Strings sort last; binary search within them.
  size_t lo = 0, hi = entries.size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const Value& k = entries[mid].first;
    bool less = k.kind() != Kind::String ? true : k.str() < key;
    if (less) lo = mid + 1;
    else hi = mid;
  }
  if (lo < entries.size() && entries[lo].first.is(Kind::String) && entries[lo].first.str() == key)
    return &entries[lo].second;
  return nullptr;
}

const Value* MapRep::find(const Value& key) const {
  switch (key.kind()) {
    case Kind::String: return find_string(key.str());
    case Kind::Bool: return find_exact(entries, key);
    case Kind::Int: {
      if (auto* v = find_exact(entries, key)) return v;
      if (key.as_int() >= 0) return find_exact(entries, Value::uinteger(static_cast<uint64_t>(key.as_int())));
      return nullptr;
    }
    case Kind::Uint: {
      if (auto* v = find_exact(entries, key)) return v;
      if (key.as_uint() <= static_cast<uint64_t>(INT64_MAX))
        return find_exact(entries, Value::integer(static_cast<int64_t>(key.as_uint())));
      return nullptr;
    }
    case Kind::Double: {
      double d = key.as_double();
      if (std::isnan(d) || std::trunc(d) != d) return nullptr;
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
        if (auto* v = find(Value::integer(static_cast<int64_t>(d)))) return v;
      }
      if (d >= 0 && d < 18446744073709551616.0) return find(Value::uinteger(static_cast<uint64_t>(d)));
      return nullptr;
    }
    default: return nullptr;
  }
}

bool net_equal(const NetAddr& a, const NetAddr& b);

bool values_equal(const Value& a, const Value& b) {
  Kind ka = a.kind(), kb = b.kind();
  bool na = ka == Kind::Int || ka == Kind::Uint || ka == Kind::Double;
  bool nb = kb == Kind::Int || kb == Kind::Uint || kb == Kind::Double;
  if (na && nb) return numeric_compare(a, b) == 0;
  if (ka != kb) return false;
  switch (ka) {
    case Kind::Null: return true;
    case Kind::Bool: return a.as_bool() == b.as_bool();
    case Kind::String:
    case Kind::Bytes: return a.str() == b.str();
    case Kind::Type: return a.as_type() == b.as_type();
    case Kind::Timestamp:
    case Kind::Duration: return a.seconds() == b.seconds() && a.nanos() == b.nanos();
    case Kind::List: {
      const auto& x = a.list_items();
      const auto& y = b.list_items();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case Kind::Net: return net_equal(a.net_rep(), b.net_rep());
    case Kind::Optional:
      if (a.optional_has() != b.optional_has()) return false;
      return !a.optional_has() || values_equal(a.optional_value(), b.optional_value());
    case Kind::Map: {
      const auto& x = a.map_rep();
      const auto& y = b.map_rep();
      if (x.entries.size() != y.entries.size()) return false;
      for (const auto& [k, v] : x.entries) {
        const Value* w = y.find(k);
        if (!w || !values_equal(v, *w)) return false;
      }
      return true;
    }
    default: return false;
  }
}

}  // namespace tako::cel
