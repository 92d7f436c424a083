// Events emitted by fan-out steps (REFERENCE.md §10.2): fingerprints and payload
// schema validation.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tako/cel/value.h"
#include "tako/config/config.h"
#include "tako/state/document.h"
#include "tako/util/result.h"

namespace tako::fanout {

// Hex SHA-256 of the canonical JSON (sorted keys, no spaces) of
// {"artifact","payload","schema_version","source" (lowercased),"type"}.
std::string fingerprint(const state::EventRecord& event);

// Checks `payload` against a declared payload schema:
// `event '<t>' payload: required field '<f>' missing`,
// `event '<t>' payload: field '<f>' must be <type>, got <actual>`.
Status validate_payload(const config::ProducedEventType& declaration, const nlohmann::json& payload);

// The JSON kind of a value as named in payload errors: string, integer (whole
// numbers), number, boolean, object, array or null.
std::string payload_kind(const nlohmann::json& value);

// An event as a CEL map with `timestamp` as a CEL timestamp (§9.4).
cel::Value event_to_cel(const state::EventRecord& event);
// The same for an event given as JSON (template/CEL data of child runs).
cel::Value event_json_to_cel(const nlohmann::json& event);

// "<YYYY/MM/DD HH:MM:SS>" in local time, the prefix of §10.12's INFO lines.
std::string log_timestamp();

}  // namespace tako::fanout
