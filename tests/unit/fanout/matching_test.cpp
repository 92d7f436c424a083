// Discovery predicate, schema ranges (every row of REFERENCE.md §10.5's table),
// filters and the first-match rule (§10.3 step 3).
#include "tako/fanout/matching.h"

#include <gtest/gtest.h>

using namespace tako;

namespace {

state::EventRecord event(std::string version = "1.4.0", nlohmann::json payload = {{"version", "1.4.0"}}) {
  state::EventRecord e;
  e.id = "evt-0123456789abcdef";
  e.type = "library_built";
  e.namespaced_type = "my-org/go-lib/library_built";
  e.schema_version = std::move(version);
  e.source = "my-org/go-lib";
  e.artifact = "go-lib";
  e.payload = std::move(payload);
  e.timestamp = *state::parse_time("2025-07-15T12:00:00.123456Z");
  return e;
}

config::Subscription sub(std::string artifact = "my-org/go-lib:go-lib", std::vector<std::string> filters = {},
                         std::optional<std::string> range = std::nullopt) {
  config::Subscription s;
  s.artifact = artifact;
  s.source_repo = artifact.substr(0, artifact.find(':'));
  s.artifact_name = artifact.substr(artifact.find(':') + 1);
  s.events.push_back({"library_built", std::nullopt, {}});
  s.schema_version = std::move(range);
  s.filters = std::move(filters);
  s.workflow = "w";
  return s;
}

bool matches(const config::Subscription& s, const state::EventRecord& e) {
  auto act = fanout::filter_activation(e);
  auto ev = fanout::evaluate(s, e, act);
  EXPECT_FALSE(ev.error) << *ev.error;
  return ev.matched;
}

}  // namespace

TEST(Discovery, SourceIsCaseInsensitiveArtifactAndTypeMustMatch) {
  auto e = event();
  EXPECT_TRUE(fanout::is_candidate(sub("My-Org/Go-Lib:go-lib"), e));
  EXPECT_TRUE(fanout::is_candidate(sub("my-org/go-lib:*"), e));
  EXPECT_FALSE(fanout::is_candidate(sub("my-org/go-lib:other"), e));
  EXPECT_FALSE(fanout::is_candidate(sub("my-org/app:go-lib"), e));
  auto wrong_type = sub();
  wrong_type.events = {{"library_released", std::nullopt, {}}};
  EXPECT_FALSE(fanout::is_candidate(wrong_type, e));
  auto second_type = sub();
  second_type.events = {{"other", std::nullopt, {}}, {"library_built", std::nullopt, {}}};
  EXPECT_TRUE(fanout::is_candidate(second_type, e));
  // The event artifact `default` matches every artifact name.
  e.artifact = "default";
  EXPECT_TRUE(fanout::is_candidate(sub("my-org/go-lib:anything"), e));
}

struct RangeCase {
  const char* range;
  const char* version;
  bool ok;
};

class RangeTable : public ::testing::TestWithParam<RangeCase> {};

TEST_P(RangeTable, SubscriptionRange) {
  const RangeCase& c = GetParam();
  EXPECT_EQ(matches(sub("my-org/go-lib:go-lib", {}, c.range), event(c.version)), c.ok) << c.range << " " << c.version;
}

TEST_P(RangeTable, EventEntryRangeOverridesSubscriptionRange) {
  const RangeCase& c = GetParam();
  auto s = sub("my-org/go-lib:go-lib", {}, std::string("99.0.0"));
  s.events = {{"library_built", std::string(c.range), {}}};
  EXPECT_EQ(matches(s, event(c.version)), c.ok) << c.range << " " << c.version;
}

INSTANTIATE_TEST_SUITE_P(
    Spec10_5, RangeTable,
    ::testing::Values(RangeCase{"1.2.0", "1.2.0", true}, RangeCase{"1.2.0", "1.2.1", false},
                      RangeCase{"^1.2.0", "1.2.0", true}, RangeCase{"^1.2.0", "1.9.9", true},
                      RangeCase{"^1.2.0", "1.1.9", false}, RangeCase{"^1.2.0", "2.0.0", false},
                      RangeCase{"~1.2.0", "1.2.0", true}, RangeCase{"~1.2.0", "1.2.9", true},
                      RangeCase{"~1.2.0", "1.3.0", false}, RangeCase{">=1.0.0 <2.0.0", "1.0.0", true},
                      RangeCase{">=1.0.0 <2.0.0", "1.9.9", true}, RangeCase{">=1.0.0 <2.0.0", "0.9.9", false},
                      RangeCase{">=1.0.0 <2.0.0", "2.0.0", false}, RangeCase{"(1.1.0...2.0.0]", "1.1.1", true},
                      RangeCase{"(1.1.0...2.0.0]", "2.0.0", true}, RangeCase{"(1.1.0...2.0.0]", "1.1.0", false},
                      RangeCase{"(1.1.0...2.0.0]", "2.0.1", false}, RangeCase{"[1.0.0...2.0.0)", "1.0.0", true},
                      RangeCase{"[1.0.0...2.0.0)", "1.9.9", true}, RangeCase{"[1.0.0...2.0.0)", "2.0.0", false},
                      RangeCase{"(1.0.0...]", "1.0.1", true}, RangeCase{"(1.0.0...]", "1.0.0", false},
                      RangeCase{"[1.0.0...)", "1.0.0", true}, RangeCase{"[1.0.0...)", "9.0.0", true},
                      RangeCase{"[1.0.0...)", "0.9.9", false},
                      // Also: `=`, `^` of major 0, whitespace around tokens.
                      RangeCase{"=1.2.0", "1.2.0", true}, RangeCase{"^0.2.0", "0.9.0", true},
                      RangeCase{"^0.2.0", "1.0.0", false}, RangeCase{"  >1.0.0   <=1.5.0 ", "1.5.0", true},
                      RangeCase{"[ 1.0.0 ... 2.0.0 ]", "2.0.0", true}));

TEST(Matching, EventWithoutVersionSatisfiesEveryRange) {
  EXPECT_TRUE(matches(sub("my-org/go-lib:go-lib", {}, std::string("^9.0.0")), event("")));
}

TEST(Matching, FiltersAllMustHoldFilterFirst) {
  auto e = event();
  EXPECT_TRUE(matches(sub("my-org/go-lib:go-lib", {"has(payload.version)", "semver.major(event.payload.version) >= 1"}), e));
  EXPECT_FALSE(matches(sub("my-org/go-lib:go-lib", {"true", "payload.version.startsWith(\"2.\")"}), e));
  auto act = fanout::filter_activation(e);
  // A false filter stops the evaluation: the erroring second one is never evaluated.
  auto ev = fanout::evaluate(sub("my-org/go-lib:go-lib", {"false", "payload.nope == 1"}), e, act);
  EXPECT_FALSE(ev.matched);
  EXPECT_FALSE(ev.error);
}

TEST(Matching, FilterVariables) {
  EXPECT_TRUE(matches(sub("my-org/go-lib:go-lib",
                          {"event_type == 'library_built' && source == 'my-org/go-lib' && schema_version == '1.4.0' "
                           "&& artifact == 'go-lib' && event.namespaced_type == 'my-org/go-lib/library_built' && "
                           "event.timestamp == timestamp('2025-07-15T12:00:00.123456Z') && event.id.startsWith('evt-')"}),
                      event()));
}

TEST(Matching, CommaSeparatedPayloadList) {
  const std::string f = "payload.repos.split(',').exists(r, r.trim().lowerAscii() == 'app-b')";
  EXPECT_TRUE(matches(sub("my-org/go-lib:go-lib", {f}), event("", {{"repos", "app-a, APP-B ,app-c"}})));
  EXPECT_FALSE(matches(sub("my-org/go-lib:go-lib", {f}), event("", {{"repos", "app-a,app-bb"}})));
  EXPECT_FALSE(matches(sub("my-org/go-lib:go-lib", {f}), event("", {{"repos", ""}})));
}

TEST(Matching, EvaluationErrors) {
  auto e = event("", {{"n", 0}});
  auto act = fanout::filter_activation(e);
  auto ev = fanout::evaluate(sub("my-org/go-lib:go-lib", {"true", "10 / payload.n > 1"}), e, act);
  ASSERT_TRUE(ev.error);
  EXPECT_EQ(*ev.error, "filter 1 evaluation failed: CEL evaluation error: division by zero");
  ev = fanout::evaluate(sub("my-org/go-lib:go-lib", {"payload.missing"}), e, act);
  ASSERT_TRUE(ev.error);
  EXPECT_EQ(*ev.error, "filter 0 evaluation failed: CEL evaluation error: no such key: missing");
  ev = fanout::evaluate(sub("my-org/go-lib:go-lib", {"payload.n"}), e, act);
  ASSERT_TRUE(ev.error);
  EXPECT_EQ(*ev.error, "filter 0 evaluation failed: CEL expression must return boolean, got int");
}

TEST(Matching, FirstMatchRule) {
  auto e = event("1.4.0", {{"n", 5}});
  auto act = fanout::filter_activation(e);
  auto never = sub("my-org/go-lib:go-lib", {"payload.n > 10"});
  auto broken = sub("my-org/go-lib:go-lib", {"payload.x == 1"});
  auto first = sub("my-org/go-lib:go-lib", {"payload.n > 1"});
  auto out_of_range = sub("my-org/go-lib:go-lib", {}, std::string("^2.0.0"));
  auto second = sub("my-org/go-lib:*");
  auto third = sub("my-org/go-lib:go-lib", {"payload.n == 5"});
  auto sel = fanout::select_subscription({&never, &broken, &first, &out_of_range, &second, &third}, e, act);
  ASSERT_TRUE(sel.selected);
  EXPECT_EQ(*sel.selected, 2u);
  EXPECT_EQ(sel.skipped, (std::vector<size_t>{4, 5}));
  ASSERT_EQ(sel.errors.size(), 1u);
  EXPECT_EQ(sel.errors[0].first, 1u);
  EXPECT_EQ(sel.evaluations.size(), 6u);

  auto none = fanout::select_subscription({&never, &out_of_range}, e, act);
  EXPECT_FALSE(none.selected);
  EXPECT_TRUE(none.skipped.empty() && none.errors.empty());
}
