// Identifiers (REFERENCE.md §0, §10.2, §10.12): run ids `exec-YYYYMMDD-HHMMSS-<8 hex>`,
// event ids `evt-<16 hex>` and fan-out ids `fanout-<16 hex>`. Randomness comes from
// getrandom(2) (thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "tako/state/document.h"

namespace tako::state {

// Exactly `exec-` + 8 digits + `-` + 6 digits + `-` + 8 lowercase hex digits.
bool is_valid_run_id(std::string_view id);

// `exec-<UTC YYYYMMDD-HHMMSS of t>-<random as 8 lowercase hex>`.
std::string make_run_id(Timestamp t, std::uint32_t random);

// A run id for now, regenerated (new random bits) while `taken(id)` is true.
std::string new_run_id(const std::function<bool(const std::string&)>& taken = {});

std::string new_event_id();    // evt-<16 hex>
std::string new_fan_out_id();  // fanout-<16 hex>

std::uint64_t random_u64();

}  // namespace tako::state
