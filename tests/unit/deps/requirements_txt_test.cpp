#include <gtest/gtest.h>

#include "tako/deps/edit.h"

using tako::deps::pep503_normalise;
using tako::deps::update_requirements_txt;

namespace {

tako::deps::Edit edit(std::string_view text, std::string_view name, std::string_view version) {
  auto r = update_requirements_txt(text, name, version);
  EXPECT_TRUE(r.ok());
  return *r;
}

TEST(Requirements, Pep503) {
  EXPECT_EQ(pep503_normalise("Foo.Bar__baz"), "foo-bar-baz");
  EXPECT_EQ(pep503_normalise("a-_-.b"), "a-b");
  EXPECT_EQ(pep503_normalise("requests"), "requests");
}

TEST(Requirements, OperatorsKept) {
  EXPECT_EQ(edit("lib==1.0\n", "lib", "2.0").text, "lib==2.0\n");
  EXPECT_EQ(edit("lib>=1.0\n", "lib", "2.0").text, "lib>=2.0\n");
  EXPECT_EQ(edit("lib~=1.0\n", "lib", "2.0").text, "lib~=2.0\n");
  EXPECT_EQ(edit("lib<=1.0\n", "lib", "2.0").text, "lib<=2.0\n");
  EXPECT_EQ(edit("lib === 1.0\n", "lib", "2.0").text, "lib === 2.0\n");
  EXPECT_EQ(edit("lib == 1.0\n", "lib", "2.0").previous_version, "1.0");
}

TEST(Requirements, ExtrasMarkersCommentsAndMoreClauses) {
  auto e = edit("lib[security,socks] >= 1.0, <3 ; python_version >= \"3.8\"  # why\n", "lib", "2.0");
  EXPECT_EQ(e.text, "lib[security,socks] >= 2.0, <3 ; python_version >= \"3.8\"  # why\n");
  EXPECT_EQ(edit("lib==1.0;sys_platform=='linux'\n", "lib", "1.1").text, "lib==1.1;sys_platform=='linux'\n");
  EXPECT_EQ(edit("lib==1.0 --hash=sha256:abc \\\n    --hash=sha256:def\n", "lib", "1.1").text,
            "lib==1.1 --hash=sha256:abc \\\n    --hash=sha256:def\n");
}

TEST(Requirements, NormalisedNameComparison) {
  auto e = edit("Foo_Bar==1.0\nfoo.bar>=0.5\nfoobar==9\n", "foo-bar", "2.0");
  EXPECT_EQ(e.occurrences, 2);
  EXPECT_EQ(e.text, "Foo_Bar==2.0\nfoo.bar>=2.0\nfoobar==9\n");
}

TEST(Requirements, CommentsOptionsAndDirectReferencesSkipped) {
  const std::string in = "# lib==1.0\n-r base.txt\n-e ./lib\n--index-url https://x\nlib @ https://x/lib.whl\n\n";
  auto e = edit(in, "lib", "2.0");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.text, in);
}

TEST(Requirements, MissingVersionGetsPinned) {
  auto e = edit("lib\nother==1\n", "lib", "2.0");
  EXPECT_TRUE(e.changed);
  EXPECT_EQ(e.previous_version, "");
  EXPECT_EQ(e.text, "lib==2.0\nother==1\n");
  EXPECT_EQ(edit("lib[x] ; python_version<'3'\n", "lib", "2").text, "lib[x]==2 ; python_version<'3'\n");
  EXPECT_EQ(edit("lib  # c", "lib", "2").text, "lib==2  # c");
}

TEST(Requirements, CrlfNoTrailingNewlineIndentation) {
  EXPECT_EQ(edit("a==1\r\n  lib==1.0\r\nb==2", "lib", "1.1").text, "a==1\r\n  lib==1.1\r\nb==2");
  EXPECT_EQ(edit("a==1\r\nlib==1.0", "lib", "1.1").text, "a==1\r\nlib==1.1");
}

TEST(Requirements, PrefixNamesAreDifferent) {
  EXPECT_FALSE(edit("library==1.0\nlib-extra==1\n", "lib", "2").found);
}

TEST(Requirements, EqualVersionUnchanged) {
  auto e = edit("lib==1.0\n", "lib", "1.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
}

TEST(Requirements, UnclosedExtrasSkipped) {
  EXPECT_FALSE(edit("lib[x==1.0\n", "lib", "2").found);
}

}  // namespace
