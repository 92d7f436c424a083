#include "tako/util/data_doc.h"

#include <gtest/gtest.h>

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
