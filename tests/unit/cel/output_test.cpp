#include <gtest/gtest.h>

#include "tako/cel/cel.h"
#include "tako/cel/eval_command.h"

namespace tako::cel {
namespace {

std::string out(const std::string& expr, bool json = false) {
  EvalRequest req;
  req.expression = expr;
  req.json = json;
  auto r = run_eval(req);
  return r.ok() ? *r : "ERR: " + r.error().message;
}

TEST(CelOutput, Literal) {
  EXPECT_EQ(out("-5"), "-5\n");
  EXPECT_EQ(out("5u"), "5u\n");
  EXPECT_EQ(out("1.0"), "1.0\n");
  EXPECT_EQ(out("-0.0"), "-0.0\n");
  EXPECT_EQ(out("2.5e-5"), "2.5e-05\n");
  EXPECT_EQ(out("0.0001"), "0.0001\n");
  EXPECT_EQ(out("1e20"), "100000000000000000000.0\n");
  EXPECT_EQ(out("1e21"), "1e+21\n");
  EXPECT_EQ(out("0.1 + 0.2"), "0.30000000000000004\n");
  EXPECT_EQ(out("double('NaN')"), "double(\"NaN\")\n");
  EXPECT_EQ(out("-double('Infinity')"), "double(\"-Infinity\")\n");
  EXPECT_EQ(out("'a\\\\\"\\a\\b\\f\\n\\r\\t\\v\\x01é'"), "\"a\\\\\\\"\\a\\b\\f\\n\\r\\t\\v\\x01é\"\n");
  EXPECT_EQ(out("b'a\"\\\\\\x00\\xff'"), "b\"a\\\"\\\\\\x00\\xff\"\n");
  EXPECT_EQ(out("[true, null, [1, 'a']]"), "[true, null, [1, \"a\"]]\n");
  EXPECT_EQ(out("{'b': 1, 'a': 2, 3u: 0, 2: 0, true: 0, false: 0, -1: 0}"),
            "{false: 0, true: 0, -1: 0, 2: 0, 3u: 0, \"a\": 2, \"b\": 1}\n");
  EXPECT_EQ(out("type(1)"), "int\n");
  EXPECT_EQ(out("[type(null), type(type), type(duration('1s')), type(timestamp(0))]"),
            "[null_type, type, google.protobuf.Duration, google.protobuf.Timestamp]\n");
  EXPECT_EQ(out("timestamp('2009-02-13T23:31:30.123000Z')"), "timestamp(\"2009-02-13T23:31:30.123Z\")\n");
  EXPECT_EQ(out("duration('123.321456789s')"), "duration(\"123.321456789s\")\n");
  EXPECT_EQ(out("duration('-1.5s')"), "duration(\"-1.5s\")\n");
}

TEST(CelOutput, Json) {
  EXPECT_EQ(out("-5", true), "{\"int\":\"-5\"}\n");
  EXPECT_EQ(out("5u", true), "{\"uint\":\"5\"}\n");
  EXPECT_EQ(out("1.5", true), "{\"double\":1.5}\n");
  EXPECT_EQ(out("double('NaN')", true), "{\"double\":\"NaN\"}\n");
  EXPECT_EQ(out("double('-Infinity')", true), "{\"double\":\"-Infinity\"}\n");
  EXPECT_EQ(out("b'hi'", true), "{\"bytes_b64\":\"aGk=\"}\n");
  EXPECT_EQ(out("null", true), "{\"null\":null}\n");
  EXPECT_EQ(out("{'a': [true]}", true), "{\"map\":[[{\"string\":\"a\"},{\"list\":[{\"bool\":true}]}]]}\n");
  EXPECT_EQ(out("int", true), "{\"type\":\"int\"}\n");
  EXPECT_EQ(out("timestamp(0)", true), "{\"timestamp\":\"1970-01-01T00:00:00Z\"}\n");
  EXPECT_EQ(out("duration('1m')", true), "{\"duration\":\"60s\"}\n");
}

TEST(CelOutput, JsonConversion) {
  auto j = nlohmann::json::parse(R"({"i": 5, "d": 1.5, "s": "x", "b": true, "n": null, "l": [1], "m": {"k": 2}})");
  EXPECT_EQ(format_literal(from_json(j)), R"({"b": true, "d": 1.5, "i": 5, "l": [1], "m": {"k": 2}, "n": null, "s": "x"})");
}

}  // namespace
}  // namespace tako::cel
