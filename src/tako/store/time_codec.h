// Times in the store: INTEGER nanoseconds since the Unix epoch (UTC).
#pragma once

#include <cstdint>
#include <optional>

#include "tako/state/document.h"

namespace tako::store {

inline int64_t to_nanos(state::Timestamp t) { return t.time_since_epoch().count(); }
inline std::optional<int64_t> opt_nanos(const state::OptTime& t) {
  return t ? std::optional<int64_t>(to_nanos(*t)) : std::nullopt;
}
inline state::Timestamp from_nanos(int64_t ns) { return state::Timestamp(std::chrono::nanoseconds(ns)); }
inline state::OptTime opt_from_nanos(const std::optional<int64_t>& ns) {
  return ns ? state::OptTime(from_nanos(*ns)) : std::nullopt;
}

}  // namespace tako::store
