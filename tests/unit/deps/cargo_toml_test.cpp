#include <gtest/gtest.h>

#include "tako/deps/edit.h"

using tako::deps::update_cargo_toml;

namespace {

tako::deps::Edit edit(std::string_view text, std::string_view name, std::string_view version) {
  auto r = update_cargo_toml(text, name, version);
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(CargoToml, SimpleString) {
  auto e = edit("[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nlib = \"1.2.0\" # pinned\n", "lib", "1.3.0");
  EXPECT_EQ(e.text, "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nlib = \"1.3.0\" # pinned\n");
  EXPECT_EQ(e.previous_version, "1.2.0");
}

TEST(CargoToml, OperatorsKept) {
  EXPECT_EQ(edit("[dependencies]\nlib = \"^1.0\"\n", "lib", "2.0").text, "[dependencies]\nlib = \"^2.0\"\n");
  EXPECT_EQ(edit("[dependencies]\nlib = \"~1.0\"\n", "lib", "2.0").text, "[dependencies]\nlib = \"~2.0\"\n");
  EXPECT_EQ(edit("[dependencies]\nlib = \">=1.0\"\n", "lib", "2.0").text, "[dependencies]\nlib = \">=2.0\"\n");
  EXPECT_EQ(edit("[dependencies]\nlib = \"=1.0\"\n", "lib", "2.0").text, "[dependencies]\nlib = \"=2.0\"\n");
  EXPECT_EQ(edit("[dependencies]\nlib = '1.0'\n", "lib", "2.0").text, "[dependencies]\nlib = '2.0'\n");
}

TEST(CargoToml, InlineTable) {
  auto e = edit("[dev-dependencies]\nlib = { version = \"1.0\", features = [\"a\", \"b\"], default-features = false }\n",
                "lib", "1.1");
  EXPECT_EQ(e.text, "[dev-dependencies]\nlib = { version = \"1.1\", features = [\"a\", \"b\"], default-features = false }\n");
  auto e2 = edit("[build-dependencies]\nlib = {features=[\"version\"], path = \"../x\", version=\"^0.3\"}\n", "lib", "0.4");
  EXPECT_EQ(e2.text, "[build-dependencies]\nlib = {features=[\"version\"], path = \"../x\", version=\"^0.4\"}\n");
}

TEST(CargoToml, InlineTableWithoutVersionIsNotAnOccurrence) {
  EXPECT_FALSE(edit("[dependencies]\nlib = { path = \"../lib\" }\n", "lib", "1").found);
}

TEST(CargoToml, DottedKeyAndCrateTable) {
  EXPECT_EQ(edit("[dependencies]\nlib.version = \"1\"\nlib.features = [\"x\"]\n", "lib", "2").text,
            "[dependencies]\nlib.version = \"2\"\nlib.features = [\"x\"]\n");
  EXPECT_EQ(edit("[dependencies.lib]\nfeatures = [\"version\"]\nversion = \"1\"\n\n[x]\nversion = \"1\"\n", "lib", "2").text,
            "[dependencies.lib]\nfeatures = [\"version\"]\nversion = \"2\"\n\n[x]\nversion = \"1\"\n");
}

TEST(CargoToml, TargetAndWorkspaceTables) {
  const std::string in =
      "[target.'cfg(unix)'.dependencies]\nlib = \"1\"\n[target.\"x86_64-pc-windows-gnu\".dev-dependencies]\n"
      "lib = { version = \"1\" }\n[workspace.dependencies]\nlib = \"1\"\n";
  auto e = edit(in, "lib", "2");
  EXPECT_EQ(e.occurrences, 3);
  EXPECT_EQ(e.text,
            "[target.'cfg(unix)'.dependencies]\nlib = \"2\"\n[target.\"x86_64-pc-windows-gnu\".dev-dependencies]\n"
            "lib = { version = \"2\" }\n[workspace.dependencies]\nlib = \"2\"\n");
}

TEST(CargoToml, OtherTablesAreNotDependencies) {
  const std::string in = "[package]\nlib = \"1\"\n[features]\nlib = [\"dep:lib\"]\n[[bin]]\nlib = \"1\"\n";
  auto e = edit(in, "lib", "2");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.text, in);
}

TEST(CargoToml, MultiLineArraysAndStringsAreNotHeaders) {
  const std::string in =
      "[package]\ndescription = \"\"\"\n[dependencies]\nlib = \"1\"\n\"\"\"\nmatrix = [\n  [\"dependencies\"],\n]\n"
      "[dependencies]\nother = \"1\"\n";
  auto e = edit(in, "lib", "2");
  EXPECT_FALSE(e.found);
  auto e2 = edit(in, "other", "2");
  EXPECT_EQ(e2.occurrences, 1);
  EXPECT_EQ(e2.text.substr(e2.text.size() - 12), "other = \"2\"\n");
}

TEST(CargoToml, QuotedKeyCrlfNoTrailingNewlineTabs) {
  auto e = edit("[dependencies]\r\n\t\"lib\"\t=\t\"1.0\"", "lib", "1.1");
  EXPECT_EQ(e.text, "[dependencies]\r\n\t\"lib\"\t=\t\"1.1\"");
  auto e2 = edit("[ dependencies ]\r\nlib = \"1.0\"\r\n", "lib", "1.1");
  EXPECT_EQ(e2.text, "[ dependencies ]\r\nlib = \"1.1\"\r\n");
}

TEST(CargoToml, SimilarNamesAreDistinct) {
  auto e = edit("[dependencies]\nlib-extra = \"1\"\nlib_x = \"1\"\n", "lib", "2");
  EXPECT_FALSE(e.found);
}

TEST(CargoToml, EqualVersionUnchanged) {
  const std::string in = "[dependencies]\nlib = \"^1.0\"\n";
  auto e = edit(in, "lib", "1.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, in);
}

TEST(CargoToml, BrokenLinesDoNotCrash) {
  EXPECT_FALSE(edit("[dependencies\nlib = \"1\"\n", "lib", "2").found);  // not a header
  EXPECT_FALSE(edit("[dependencies]\nlib = \"1\n", "lib", "2").found);  // unterminated string
  // An inline table left open still names its version (Cargo would reject the file anyway).
  EXPECT_EQ(edit("[dependencies]\nlib = { version = \"1\"\n", "lib", "2").text, "[dependencies]\nlib = { version = \"2\"\n");
  EXPECT_TRUE(edit("[dependencies]\nlib = { version = \"1\", x = [1, {a = 'b'}], }\n", "lib", "2").found);
}

}  // namespace
