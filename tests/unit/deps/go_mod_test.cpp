#include <gtest/gtest.h>

#include "tako/deps/edit.h"

using tako::deps::update_go_mod;

namespace {

tako::deps::Edit edit(std::string_view text, std::string_view name, std::string_view version) {
  auto r = update_go_mod(text, name, version);
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(GoMod, SingleLineRequire) {
  auto e = edit("module example.com/app\n\ngo 1.21\n\nrequire github.com/o/lib v1.2.0\n", "github.com/o/lib", "1.3.0");
  EXPECT_TRUE(e.found);
  EXPECT_TRUE(e.changed);
  EXPECT_EQ(e.text, "module example.com/app\n\ngo 1.21\n\nrequire github.com/o/lib v1.3.0\n");
  EXPECT_EQ(e.previous_version, "v1.2.0");
  EXPECT_EQ(e.version, "v1.3.0");
}

TEST(GoMod, LeadingVIsNotDoubled) {
  auto e = edit("require a.b/c v1.0.0\n", "a.b/c", "v2.0.0");
  EXPECT_EQ(e.text, "require a.b/c v2.0.0\n");
  EXPECT_EQ(e.version, "v2.0.0");
}

TEST(GoMod, BlockKeepsIndirectCommentsAndTabs) {
  const std::string in =
      "module m\n\nrequire (\n\tgithub.com/a/x v0.1.0\n\tgithub.com/o/lib v1.2.0 // indirect\n\tgithub.com/z/y v3.0.0\n)\n";
  auto e = edit(in, "github.com/o/lib", "1.4.1");
  EXPECT_EQ(e.text,
            "module m\n\nrequire (\n\tgithub.com/a/x v0.1.0\n\tgithub.com/o/lib v1.4.1 // indirect\n\tgithub.com/z/y v3.0.0\n)\n");
  EXPECT_EQ(e.occurrences, 1);
}

TEST(GoMod, RequireParenWithoutSpaceAndComment) {
  auto e = edit("require( // deps\n  x.io/y v1.0.0\n)", "x.io/y", "1.1.0");
  EXPECT_EQ(e.text, "require( // deps\n  x.io/y v1.1.0\n)");
}

TEST(GoMod, CrlfAndNoTrailingNewlinePreserved) {
  auto e = edit("module m\r\nrequire (\r\n\tx.io/y v1.0.0\r\n)\r\nrequire x.io/z v0.0.1", "x.io/z", "0.0.2");
  EXPECT_EQ(e.text, "module m\r\nrequire (\r\n\tx.io/y v1.0.0\r\n)\r\nrequire x.io/z v0.0.2");
  auto e2 = edit("module m\r\nrequire (\r\n\tx.io/y v1.0.0\r\n)\r\n", "x.io/y", "2.0.0");
  EXPECT_EQ(e2.text, "module m\r\nrequire (\r\n\tx.io/y v2.0.0\r\n)\r\n");
}

TEST(GoMod, ReplaceAndExcludeBlocksAreNotRequirements) {
  const std::string in =
      "require x.io/y v1.0.0\nreplace (\n\tx.io/y v1.0.0 => ../y\n)\nexclude x.io/y v0.9.0\nreplace x.io/y v1.0.0 => x.io/z v1.0.0\n";
  auto e = edit(in, "x.io/y", "1.1.0");
  EXPECT_EQ(e.occurrences, 1);
  EXPECT_EQ(e.text,
            "require x.io/y v1.1.0\nreplace (\n\tx.io/y v1.0.0 => ../y\n)\nexclude x.io/y v0.9.0\nreplace x.io/y v1.0.0 => x.io/z v1.0.0\n");
}

TEST(GoMod, NotFound) {
  auto e = edit("module m\nrequire x.io/yy v1.0.0\n// require x.io/y v1.0.0\n", "x.io/y", "1.0.0");
  EXPECT_FALSE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, "module m\nrequire x.io/yy v1.0.0\n// require x.io/y v1.0.0\n");
}

TEST(GoMod, ModuleLineIsNotADependency) {
  auto e = edit("module x.io/y\n", "x.io/y", "1.0.0");
  EXPECT_FALSE(e.found);
}

TEST(GoMod, EqualVersionIsUnchanged) {
  const std::string in = "require x.io/y v1.0.0 // pinned\n";
  auto e = edit(in, "x.io/y", "1.0.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, in);
  EXPECT_EQ(e.previous_version, "v1.0.0");
}

TEST(GoMod, QuotedModulePathAndPseudoVersion) {
  auto e = edit("require \"x.io/y\" v0.0.0-20191109021931-daa7c04131f5\n", "x.io/y", "v0.1.0");
  EXPECT_EQ(e.text, "require \"x.io/y\" v0.1.0\n");
  EXPECT_EQ(e.previous_version, "v0.0.0-20191109021931-daa7c04131f5");
}

TEST(GoMod, SeveralBlocksAndDuplicatesAllEdited) {
  auto e = edit("require (\n x.io/y v1.0.0\n)\nrequire (\n x.io/y v1.0.1 // indirect\n)\n", "x.io/y", "1.2.0");
  EXPECT_EQ(e.occurrences, 2);
  EXPECT_EQ(e.previous_version, "v1.0.0");
  EXPECT_EQ(e.text, "require (\n x.io/y v1.2.0\n)\nrequire (\n x.io/y v1.2.0 // indirect\n)\n");
}

TEST(GoMod, VersionAdjacentToComment) {
  auto e = edit("require x.io/y v1.0.0// c\n", "x.io/y", "1.0.1");
  EXPECT_EQ(e.text, "require x.io/y v1.0.1// c\n");
}

TEST(GoMod, EmptyFile) {
  auto e = edit("", "x.io/y", "1.0.0");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.text, "");
}

}  // namespace
