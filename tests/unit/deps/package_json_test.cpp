#include <gtest/gtest.h>

#include "tako/deps/edit.h"

using tako::deps::update_package_json;

namespace {

tako::deps::Edit edit(std::string_view text, std::string_view name, std::string_view version) {
  auto r = update_package_json(text, name, version);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : tako::deps::Edit{};
}

TEST(PackageJson, KeepsCaretAndFormatting) {
  const std::string in = "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"lib\": \"^1.2.0\",\n    \"other\": \"~0.1.0\"\n  }\n}\n";
  auto e = edit(in, "lib", "1.3.0");
  EXPECT_TRUE(e.changed);
  EXPECT_EQ(e.previous_version, "1.2.0");
  EXPECT_EQ(e.text, "{\n  \"name\": \"app\",\n  \"dependencies\": {\n    \"lib\": \"^1.3.0\",\n    \"other\": \"~0.1.0\"\n  }\n}\n");
}

TEST(PackageJson, Operators) {
  EXPECT_EQ(edit(R"({"dependencies":{"a":"~1.0.0"}})", "a", "2.0.0").text, R"({"dependencies":{"a":"~2.0.0"}})");
  EXPECT_EQ(edit(R"({"dependencies":{"a":">=1.0.0"}})", "a", "2.0.0").text, R"({"dependencies":{"a":">=2.0.0"}})");
  EXPECT_EQ(edit(R"({"dependencies":{"a":"=1.0.0"}})", "a", "2.0.0").text, R"({"dependencies":{"a":"=2.0.0"}})");
  EXPECT_EQ(edit(R"({"dependencies":{"a":">= 1.0.0"}})", "a", "2.0.0").text, R"({"dependencies":{"a":">= 2.0.0"}})");
  EXPECT_EQ(edit(R"({"dependencies":{"a":"1.0.0"}})", "a", "2.0.0").text, R"({"dependencies":{"a":"2.0.0"}})");
}

TEST(PackageJson, AllFourSectionsAllOccurrences) {
  const std::string in =
      "{\"dependencies\":{\"a\":\"1.0.0\"},\"devDependencies\":{\"a\":\"^1.0.1\"},"
      "\"peerDependencies\":{\"a\":\">=1.0.0\"},\"optionalDependencies\":{\"a\":\"~1.0.0\"}}";
  auto e = edit(in, "a", "1.1.0");
  EXPECT_EQ(e.occurrences, 4);
  EXPECT_EQ(e.previous_version, "1.0.0");
  EXPECT_EQ(e.text,
            "{\"dependencies\":{\"a\":\"1.1.0\"},\"devDependencies\":{\"a\":\"^1.1.0\"},"
            "\"peerDependencies\":{\"a\":\">=1.1.0\"},\"optionalDependencies\":{\"a\":\"~1.1.0\"}}");
}

TEST(PackageJson, OtherPlacesAreNotDependencies) {
  const std::string in =
      "{\"name\":\"a\",\"a\":\"1.0.0\",\"scripts\":{\"a\":\"1.0.0\"},\"config\":{\"dependencies\":{\"a\":\"1.0.0\"}},"
      "\"dependencies\":{\"b\":\"1.0.0\",\"nested\":{\"a\":\"1.0.0\"}}}";
  auto e = edit(in, "a", "2.0.0");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.text, in);
}

TEST(PackageJson, ScopedNamesAndEscapedKeys) {
  auto e = edit(R"({"dependencies":{"@o/lib":"^1.0.0"}})", "@o/lib", "1.1.0");
  EXPECT_EQ(e.text, R"({"dependencies":{"@o/lib":"^1.1.0"}})");
  // The key is compared decoded: \u0040 is '@'.
  auto e2 = edit(R"({"dependencies":{"\u0040o/lib":"1.0.0"}})", "@o/lib", "1.1.0");
  EXPECT_EQ(e2.text, R"({"dependencies":{"\u0040o/lib":"1.1.0"}})");
}

TEST(PackageJson, CrlfTabsNoTrailingNewline) {
  const std::string in = "{\r\n\t\"devDependencies\" : {\r\n\t\t\"lib\" :\t\"^0.9.0\"\r\n\t}\r\n}";
  auto e = edit(in, "lib", "1.0.0");
  EXPECT_EQ(e.text, "{\r\n\t\"devDependencies\" : {\r\n\t\t\"lib\" :\t\"^1.0.0\"\r\n\t}\r\n}");
}

TEST(PackageJson, StringsContainingBracesAndQuotesDoNotConfuseTheScanner) {
  const std::string in =
      R"({"description":"a } { \" [","dependencies":{"x":"1","lib":"1.0.0"},"after":[1,{"lib":"9"}]})";
  auto e = edit(in, "lib", "2.0.0");
  EXPECT_EQ(e.occurrences, 1);
  EXPECT_EQ(e.text, R"({"description":"a } { \" [","dependencies":{"x":"1","lib":"2.0.0"},"after":[1,{"lib":"9"}]})");
}

TEST(PackageJson, NonStringValueIsNotAnOccurrence) {
  auto e = edit(R"({"dependencies":{"lib":{"version":"1.0.0"}}})", "lib", "2.0.0");
  EXPECT_FALSE(e.found);
}

TEST(PackageJson, EqualVersionUnchanged) {
  const std::string in = R"({"dependencies": {"lib": "^1.0.0"}})";
  auto e = edit(in, "lib", "1.0.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, in);
}

TEST(PackageJson, ByteOrderMarkKept) {
  auto e = edit("\xEF\xBB\xBF{\"dependencies\":{\"lib\":\"1.0.0\"}}", "lib", "1.0.1");
  EXPECT_EQ(e.text, "\xEF\xBB\xBF{\"dependencies\":{\"lib\":\"1.0.1\"}}");
}

TEST(PackageJson, InvalidJsonIsAnError) {
  auto r = update_package_json("{\"dependencies\": {\"lib\": \"1.0.0\",}}", "lib", "1.0.1");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("invalid JSON: parse error at line 1, column 34: syntax error while parsing object key", 0), 0u) << r.error().message;
  auto top = update_package_json("[1]", "lib", "1.0.1");
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().message, "the top level is not a JSON object");
}

TEST(PackageJson, NumbersLiteralsAndEmptyObjects) {
  const std::string in = R"({"v": 1.5e3, "t": true, "n": null, "dependencies": {}, "devDependencies": {"lib": "1.0.0"}})";
  auto e = edit(in, "lib", "1.0.1");
  EXPECT_EQ(e.text, R"({"v": 1.5e3, "t": true, "n": null, "dependencies": {}, "devDependencies": {"lib": "1.0.1"}})");
}

}  // namespace
