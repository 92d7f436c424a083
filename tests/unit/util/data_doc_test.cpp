#include "tako/util/data_doc.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "../yaml/alias_bomb.h"
#include "tako/util/fs.h"
#include "tako/yaml/parser.h"

using tako::util::parse_data_document;

TEST(DataDoc, JsonNumbersSplitIntAndDouble) {
  auto d = parse_data_document(R"({"a": 1, "b": 1.0, "c": 1e3, "d": 18446744073709551615, "e": -5})", "x");
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE((*d)["a"].is_number_integer());
  EXPECT_FALSE((*d)["a"].is_number_unsigned());
  EXPECT_TRUE((*d)["b"].is_number_float());
  EXPECT_TRUE((*d)["c"].is_number_float());
  EXPECT_TRUE((*d)["d"].is_number_float());
  EXPECT_EQ((*d)["e"].get<int64_t>(), -5);
}

TEST(DataDoc, YamlCoreSchema) {
  auto d = parse_data_document("i: 123\nf: 1.5\ne: 1e3\nt: true\nn: null\nt2: ~\nempty:\ns: '123'\nw: hello\n"
                               "hex: 0x1F\nv: 1.2.3\nno: no\n",
                               "x");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)["i"], 123);
  EXPECT_TRUE((*d)["f"].is_number_float());
  EXPECT_TRUE((*d)["e"].is_number_float());
  EXPECT_EQ((*d)["t"], true);
  EXPECT_TRUE((*d)["n"].is_null());
  EXPECT_TRUE((*d)["t2"].is_null());
  EXPECT_TRUE((*d)["empty"].is_null());
  EXPECT_EQ((*d)["s"], "123");
  EXPECT_EQ((*d)["w"], "hello");
  EXPECT_EQ((*d)["hex"], 31);
  EXPECT_EQ((*d)["v"], "1.2.3");
  EXPECT_EQ((*d)["no"], "no");  // YAML 1.2 core schema: "no" is a string
}

TEST(DataDoc, YamlErrorsHavePositions) {
  auto d = parse_data_document("a: [1, 2\nb: c\n", "data.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message.find("data.yml:"), std::string::npos) << d.error().message;
}

TEST(DataDoc, MissingFileError) {
  auto d = tako::util::load_data_document("/nonexistent/file.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "could not read data file: open /nonexistent/file.json: no such file or directory");
}

// --- core-schema scalars (hand-written matchers, REFERENCE.md §8.2) -----------------

using tako::util::yaml_plain_scalar;
using nlohmann::json;

TEST(DataDoc, PlainScalarTable) {
  // null / bool
  for (const char* s : {"", "~", "null", "Null", "NULL"}) EXPECT_TRUE(yaml_plain_scalar(s).is_null()) << s;
  for (const char* s : {"true", "True", "TRUE"}) EXPECT_EQ(yaml_plain_scalar(s), json(true)) << s;
  for (const char* s : {"false", "False", "FALSE"}) EXPECT_EQ(yaml_plain_scalar(s), json(false)) << s;
  // int
  EXPECT_EQ(yaml_plain_scalar("0"), json(int64_t{0}));
  EXPECT_EQ(yaml_plain_scalar("-17"), json(int64_t{-17}));
  EXPECT_EQ(yaml_plain_scalar("+17"), json(int64_t{17}));
  EXPECT_EQ(yaml_plain_scalar("007"), json(int64_t{7}));
  EXPECT_EQ(yaml_plain_scalar("9223372036854775807"), json(int64_t{9223372036854775807}));
  EXPECT_EQ(yaml_plain_scalar("-9223372036854775808"), json(std::numeric_limits<int64_t>::min()));
  EXPECT_TRUE(yaml_plain_scalar("9223372036854775808").is_number_float());  // beyond int64: a double
  EXPECT_EQ(yaml_plain_scalar("9223372036854775808").get<double>(), 9223372036854775808.0);
  // octal / hex
  EXPECT_EQ(yaml_plain_scalar("0o17"), json(int64_t{15}));
  EXPECT_EQ(yaml_plain_scalar("0x1F"), json(int64_t{31}));
  EXPECT_EQ(yaml_plain_scalar("0xff"), json(int64_t{255}));
  EXPECT_EQ(yaml_plain_scalar("0x7fffffffffffffff"), json(int64_t{9223372036854775807}));
  EXPECT_EQ(yaml_plain_scalar("0x8000000000000000"), json("0x8000000000000000"));  // too large: a string
  EXPECT_EQ(yaml_plain_scalar("0o18"), json("0o18"));
  EXPECT_EQ(yaml_plain_scalar("0o"), json("0o"));
  EXPECT_EQ(yaml_plain_scalar("0x"), json("0x"));
  EXPECT_EQ(yaml_plain_scalar("0xg"), json("0xg"));
  EXPECT_EQ(yaml_plain_scalar("-0x1"), json("-0x1"));
  EXPECT_EQ(yaml_plain_scalar("0X1"), json("0X1"));
  // float
  EXPECT_EQ(yaml_plain_scalar("1.5"), json(1.5));
  EXPECT_EQ(yaml_plain_scalar("-.5"), json(-0.5));
  EXPECT_EQ(yaml_plain_scalar("+.5e1"), json(5.0));
  EXPECT_EQ(yaml_plain_scalar("1."), json(1.0));
  EXPECT_EQ(yaml_plain_scalar("1e3"), json(1000.0));
  EXPECT_EQ(yaml_plain_scalar("1E-2"), json(0.01));
  EXPECT_EQ(yaml_plain_scalar("2.5e+2"), json(250.0));
  for (const char* s : {".", "-.", "1e", "1e+", "e3", ".e3", "1.2.3", "1,5", "1_000", " 1", "1 ", "--1", "+-1",
                        "1.5x", "0b101"}) {
    EXPECT_EQ(yaml_plain_scalar(s), json(s)) << s;
  }
  // inf / nan
  for (const char* s : {".inf", ".Inf", ".INF", "+.inf"}) {
    EXPECT_EQ(yaml_plain_scalar(s).get<double>(), std::numeric_limits<double>::infinity()) << s;
  }
  EXPECT_EQ(yaml_plain_scalar("-.inf").get<double>(), -std::numeric_limits<double>::infinity());
  for (const char* s : {".nan", ".NaN", ".NAN"}) EXPECT_TRUE(std::isnan(yaml_plain_scalar(s).get<double>())) << s;
  for (const char* s : {"-.nan", ".iNf", "inf", "nan", ".infinity"}) EXPECT_EQ(yaml_plain_scalar(s), json(s)) << s;
  // strings
  for (const char* s : {"yes", "no", "on", "off", "hello", "1.2.3", "v1"}) {
    EXPECT_EQ(yaml_plain_scalar(s), json(s)) << s;
  }
}

TEST(DataDoc, VeryLongScalars) {
  const std::string digits(100000, '9');
  auto d = parse_data_document("n: " + digits + "\nf: 1." + std::string(100000, '0') + "\nh: 0x" +
                                   std::string(100000, 'f') + "\ns: " + std::string(100000, 'a') + "\no: 0o" +
                                   std::string(100000, '7') + "\n",
                               "long.yml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_TRUE((*d)["n"].is_number_float());
  EXPECT_EQ((*d)["n"].get<double>(), std::numeric_limits<double>::infinity());
  EXPECT_EQ((*d)["f"], json(1.0));
  EXPECT_EQ((*d)["h"], json("0x" + std::string(100000, 'f')));
  EXPECT_EQ((*d)["s"], json(std::string(100000, 'a')));
  EXPECT_EQ((*d)["o"], json("0o" + std::string(100000, '7')));
  EXPECT_EQ(yaml_plain_scalar("-" + digits).get<double>(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(yaml_plain_scalar(std::string(100000, '0') + "12"), json(int64_t{12}));
  EXPECT_EQ(yaml_plain_scalar(std::string(100000, '1') + "x"), json(std::string(100000, '1') + "x"));
}

// --- resource guard -----------------------------------------------------------

TEST(DataDoc, SelfReferencingAlias) {
  auto d = parse_data_document("a: &a [*a]\n", "self.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "could not parse data file self.yml:1:4: document nesting exceeds 256 levels (or an alias refers to "
            "itself)");
  d = parse_data_document("x: 1\nb: &b {k: *b}\n", "self.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "could not parse data file self.yml:2:8: document nesting exceeds 256 levels (or an alias refers to "
            "itself)");
}

TEST(DataDoc, AliasBomb) {
  const std::string bomb = tako::yaml::testing::alias_bomb();
  auto d = parse_data_document(bomb, "bomb.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "could not parse data file bomb.yml:1:14: document too large: more than 1000000 nodes after alias "
            "expansion");
  // Aliases below the limit are expanded normally.
  d = parse_data_document("a: &a {k: [1, 2]}\nb: *a\nc: [*a, *a]\n", "ok.yml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->dump(), R"({"a":{"k":[1,2]},"b":{"k":[1,2]},"c":[{"k":[1,2]},{"k":[1,2]}]})");
}

TEST(DataDoc, DeepNesting) {
  // YAML (not JSON): flow sequences 300 deep under a key.
  auto d = parse_data_document("a: " + std::string(300, '[') + std::string(300, ']') + "\n", "deep.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message,
            "could not parse data file deep.yml:1:260: document nesting exceeds 256 levels (or an alias refers to "
            "itself)");
  // 256 levels are fine (the root mapping is level 0, the scalar level 256).
  d = parse_data_document("a: " + std::string(254, '[') + "1" + std::string(254, ']') + "\n", "deep.yml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  // Far deeper and unterminated: a positioned error, no crash.
  d = parse_data_document("a: " + std::string(100000, '[') + "\n", "deeper.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message.rfind("could not parse data file deeper.yml:", 0), 0u) << d.error().message;
  // JSON: at most 256 nested arrays/objects.
  d = parse_data_document(std::string(257, '[') + std::string(257, ']'), "deep.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not parse data file deep.json: document nesting exceeds 256 levels");
  d = parse_data_document("{\"a\": \"[[[[\\\"[[\", \"b\": " + std::string(255, '[') + std::string(255, ']') + "}",
                          "ok.json");
  ASSERT_TRUE(d.ok()) << d.error().message;
  d = parse_data_document(std::string(1000000, '[') + std::string(1000000, ']'), "huge.json");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not parse data file huge.json: document nesting exceeds 256 levels");
}

TEST(DataDoc, YamlToJsonTypesPlainScalarsOnly) {
  auto doc = tako::yaml::parse("k: [1, '2', 0x10, !!str 3, !!int \"4\", ~, \"~\"]\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(tako::util::yaml_to_json(doc->root()).dump(), R"({"k":[1,"2",16,"3",4,null,"~"]})");
}

TEST(DataDoc, LoadDataDocumentNamesTheFile) {
  tako::util::TempDir dir;
  std::string path = dir.path() + "/bad.yml";
  ASSERT_TRUE(tako::util::write_file_atomic(path, "a: &a [*a]\n").ok());
  auto d = tako::util::load_data_document(path);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not parse data file " + path +
                                   ":1:4: document nesting exceeds 256 levels (or an alias refers to itself)");
}

TEST(DataDoc, OnlyTheFirstDocumentIsUsedButAllAreChecked) {
  auto d = parse_data_document("a: 1\n---\nb: 2\n", "multi.yml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->dump(), R"({"a":1})");
  d = parse_data_document("a: 1\n---\nb: [\n", "multi.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message.rfind("could not parse data file multi.yml:4:1: ", 0), 0u) << d.error().message;
}

TEST(DataDoc, NulByteIsAPositionedError) {
  auto d = parse_data_document(std::string("a: 1\nb: \"x\0y\"\n", 14), "nul.yml");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not parse data file nul.yml:2:6: NUL byte in YAML text is not allowed");
  // An escaped NUL is data (as "\u0000" in JSON).
  d = parse_data_document("a: \"x\\0y\"\n", "esc.yml");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ((*d)["a"].get<std::string>(), std::string("x\0y", 3));
}

TEST(DataDoc, OnlyRegularFilesUpTo1MiB) {
  tako::util::TempDir dir;
  auto d = tako::util::load_data_document(dir.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not read data file: read " + dir.path() + ": is a directory");
  d = tako::util::load_data_document("/dev/zero");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not read data file: read /dev/zero: is a character device, not a regular file");
  std::string big = dir.path() + "/big.yml";
  ASSERT_TRUE(tako::util::write_file_atomic(big, "a: \"" + std::string(1 << 20, 'x') + "\"\n").ok());
  d = tako::util::load_data_document(big);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "could not read data file: read " + big + ": file is larger than the 1 MiB limit");
}
