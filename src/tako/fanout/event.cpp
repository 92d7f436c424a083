#include "tako/fanout/event.h"

#include <cmath>
#include <ctime>

#include "tako/cel/cel.h"
#include "tako/util/sha256.h"
#include "tako/util/strings.h"

namespace tako::fanout {

std::string fingerprint(const state::EventRecord& e) {
  nlohmann::json canonical = {{"artifact", e.artifact},
                              {"payload", e.payload},
                              {"schema_version", e.schema_version},
                              {"source", util::to_lower(e.source)},
                              {"type", e.type}};
  return util::sha256_hex(canonical.dump());
}

std::string payload_kind(const nlohmann::json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number_float()) {
    double d = v.get<double>();
    return std::isfinite(d) && d == std::floor(d) ? "integer" : "number";
  }
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  return "null";
}

Status validate_payload(const config::ProducedEventType& decl, const nlohmann::json& payload) {
  for (const auto& [field, spec] : decl.payload) {
    if (!payload.contains(field)) {
      if (spec.required) return Error{"event '" + decl.type + "' payload: required field '" + field + "' missing"};
      continue;
    }
    const nlohmann::json& v = payload[field];
    const std::string kind = payload_kind(v);
    bool ok = spec.type == "any" || spec.type == kind || (spec.type == "number" && kind == "integer");
    if (!ok) {
      return Error{"event '" + decl.type + "' payload: field '" + field + "' must be " + spec.type + ", got " + kind};
    }
  }
  return {};
}

cel::Value event_json_to_cel(const nlohmann::json& event) {
  if (!event.is_object()) return cel::from_json(event);
  std::vector<std::pair<cel::Value, cel::Value>> entries;
  for (const auto& [k, v] : event.items()) {
    if (k == "timestamp" && v.is_string()) {
      if (auto t = state::parse_time(v.get<std::string>())) {
        auto since = t->time_since_epoch();
        auto secs = std::chrono::floor<std::chrono::seconds>(since);
        entries.emplace_back(cel::Value::string(k),
                             cel::Value::timestamp(secs.count(), int32_t((since - secs).count())));
        continue;
      }
    }
    entries.emplace_back(cel::Value::string(k), cel::from_json(v));
  }
  return cel::Value::map(std::move(entries));
}

cel::Value event_to_cel(const state::EventRecord& event) { return event_json_to_cel(state::to_json(event)); }

std::string log_timestamp() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y/%m/%d %H:%M:%S", &tm);
  return buf;
}

}  // namespace tako::fanout
