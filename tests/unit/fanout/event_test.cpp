// Fingerprints and payload schema validation (REFERENCE.md §10.2).
#include "tako/fanout/event.h"

#include <gtest/gtest.h>

#include "tako/util/sha256.h"

using namespace tako;

namespace {

state::EventRecord ev() {
  state::EventRecord e;
  e.id = "evt-0000000000000001";
  e.type = "library_built";
  e.namespaced_type = "My-Org/Go-Lib/library_built";
  e.schema_version = "1.4.0";
  e.source = "My-Org/Go-Lib";
  e.artifact = "go-lib";
  e.payload = {{"version", "1.4.0"}, {"b", {{"z", 1}, {"a", true}}}, {"a", 2.5}};
  e.timestamp = *state::parse_time("2025-07-15T12:00:00Z");
  return e;
}

config::ProducedEventType decl() {
  config::ProducedEventType d;
  d.type = "library_built";
  d.payload = {{"version", {"string", true}}, {"count", {"integer", false}}, {"ratio", {"number", false}},
               {"ok", {"boolean", false}}, {"meta", {"object", false}}, {"tags", {"array", false}},
               {"anything", {"any", true}}};
  return d;
}

}  // namespace

TEST(Fingerprint, CanonicalJsonOfTheFiveFields) {
  const std::string canonical =
      R"({"artifact":"go-lib","payload":{"a":2.5,"b":{"a":true,"z":1},"version":"1.4.0"},)"
      R"("schema_version":"1.4.0","source":"my-org/go-lib","type":"library_built"})";
  EXPECT_EQ(fanout::fingerprint(ev()), util::sha256_hex(canonical));
  EXPECT_EQ(fanout::fingerprint(ev()).size(), 64u);
}

TEST(Fingerprint, IdTimestampAndSourceCaseExcluded) {
  auto a = ev(), b = ev();
  b.id = "evt-ffffffffffffffff";
  b.timestamp = *state::parse_time("2030-01-01T00:00:00Z");
  b.source = "my-org/go-lib";
  b.namespaced_type = "x";
  EXPECT_EQ(fanout::fingerprint(a), fanout::fingerprint(b));
}

TEST(Fingerprint, EveryIncludedFieldCounts) {
  const std::string base = fanout::fingerprint(ev());
  auto e = ev();
  e.type = "other";
  EXPECT_NE(fanout::fingerprint(e), base);
  e = ev();
  e.artifact = "default";
  EXPECT_NE(fanout::fingerprint(e), base);
  e = ev();
  e.schema_version = "";
  EXPECT_NE(fanout::fingerprint(e), base);
  e = ev();
  e.payload["version"] = "1.4.1";
  EXPECT_NE(fanout::fingerprint(e), base);
  e = ev();
  e.source = "my-org/other";
  EXPECT_NE(fanout::fingerprint(e), base);
}

TEST(Payload, Valid) {
  nlohmann::json p = {{"version", "1"}, {"count", 3}, {"ratio", 2}, {"ok", false}, {"meta", {{"a", 1}}},
                      {"tags", {1, 2}}, {"anything", nullptr}, {"extra", "allowed"}};
  EXPECT_TRUE(fanout::validate_payload(decl(), p).ok());
  p["count"] = 3.0;  // a whole number is an integer
  EXPECT_TRUE(fanout::validate_payload(decl(), p).ok());
  p["ratio"] = 0.5;
  EXPECT_TRUE(fanout::validate_payload(decl(), p).ok());
}

TEST(Payload, Errors) {
  auto check = [](nlohmann::json p, const std::string& msg) {
    auto s = fanout::validate_payload(decl(), p);
    ASSERT_FALSE(s.ok()) << p.dump();
    EXPECT_EQ(s.error().message, msg);
  };
  check({{"anything", 1}}, "event 'library_built' payload: required field 'version' missing");
  check({{"version", "1"}}, "event 'library_built' payload: required field 'anything' missing");
  check({{"version", 1}, {"anything", 1}}, "event 'library_built' payload: field 'version' must be string, got integer");
  check({{"version", "1"}, {"anything", 1}, {"count", 1.5}},
        "event 'library_built' payload: field 'count' must be integer, got number");
  check({{"version", "1"}, {"anything", 1}, {"ratio", "x"}},
        "event 'library_built' payload: field 'ratio' must be number, got string");
  check({{"version", "1"}, {"anything", 1}, {"ok", "true"}},
        "event 'library_built' payload: field 'ok' must be boolean, got string");
  check({{"version", "1"}, {"anything", 1}, {"meta", {1}}},
        "event 'library_built' payload: field 'meta' must be object, got array");
  check({{"version", "1"}, {"anything", 1}, {"tags", nullptr}},
        "event 'library_built' payload: field 'tags' must be array, got null");
}

TEST(Payload, Kinds) {
  EXPECT_EQ(fanout::payload_kind(1), "integer");
  EXPECT_EQ(fanout::payload_kind(-1.0), "integer");
  EXPECT_EQ(fanout::payload_kind(1.25), "number");
  EXPECT_EQ(fanout::payload_kind("s"), "string");
  EXPECT_EQ(fanout::payload_kind(true), "boolean");
  EXPECT_EQ(fanout::payload_kind(nlohmann::json::object()), "object");
  EXPECT_EQ(fanout::payload_kind(nlohmann::json::array()), "array");
  EXPECT_EQ(fanout::payload_kind(nullptr), "null");
}
