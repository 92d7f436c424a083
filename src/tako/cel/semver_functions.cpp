// CEL bindings of the semver helpers (REFERENCE.md §9.2).
#include "tako/cel/interp.h"
#include "tako/cel/semver.h"

namespace tako::cel {

namespace {
Value version_part(const Value& v, int which) {
  if (!v.is(Kind::String)) return no_such_overload();
  auto ver = semver::parse_version(v.str());
  if (!ver) return Value::error(ver.error().message);
  uint64_t n = which == 0 ? ver->major : (which == 1 ? ver->minor : ver->patch);
  if (n > static_cast<uint64_t>(INT64_MAX)) return Value::error("integer overflow");
  return Value::integer(static_cast<int64_t>(n));
}
}  // namespace

Value fn_semver_major(const Value* a, size_t) { return version_part(a[0], 0); }
Value fn_semver_minor(const Value* a, size_t) { return version_part(a[0], 1); }
Value fn_semver_patch(const Value* a, size_t) { return version_part(a[0], 2); }

Value fn_semver_compare(const Value* a, size_t) {
  if (!a[0].is(Kind::String) || !a[1].is(Kind::String)) return no_such_overload();
  auto x = semver::parse_version(a[0].str());
  if (!x) return Value::error(x.error().message);
  auto y = semver::parse_version(a[1].str());
  if (!y) return Value::error(y.error().message);
  return Value::integer(semver::compare(*x, *y));
}

Value fn_semver_satisfies(const Value* a, size_t) {
  if (!a[0].is(Kind::String) || !a[1].is(Kind::String)) return no_such_overload();
  auto v = semver::parse_version(a[0].str());
  if (!v) return Value::error(v.error().message);
  auto r = semver::parse_range(a[1].str());
  if (!r) return Value::error(r.error().message);
  return Value::boolean(r->satisfied_by(*v));
}

}  // namespace tako::cel
