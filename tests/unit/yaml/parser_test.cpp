#include "tako/yaml/parser.h"

#include <gtest/gtest.h>

#include <string>

#include "alias_bomb.h"

using tako::yaml::Kind;
using tako::yaml::Node;
using tako::yaml::ParseOptions;
using tako::yaml::Style;
using tako::yaml::parse;

namespace {

// "<line>:<col>: <message>" of a text that must not parse.
std::string error_of(const std::string& text, const ParseOptions& options = {}) {
  auto doc = parse(text, options);
  if (doc.ok()) return "parsed";
  return doc.error().message;
}

std::string pos(const Node& n) { return std::to_string(n.line()) + ":" + std::to_string(n.column()); }

}  // namespace

TEST(YamlParse, KindsAndOrderedPairs) {
  auto doc = parse("b: 1\na: [x, y]\nc: {k: v}\nd:\ne: ~\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node root = doc->root();
  ASSERT_TRUE(root.is_mapping());
  ASSERT_EQ(root.size(), 5u);
  EXPECT_EQ(root.key(0).scalar(), "b");
  EXPECT_EQ(root.key(1).scalar(), "a");
  EXPECT_EQ(root.value(1).kind(), Kind::Sequence);
  EXPECT_EQ(root.value(1).item(1).scalar(), "y");
  EXPECT_EQ(root.value(2).kind(), Kind::Mapping);
  EXPECT_TRUE(root.value(3).is_null());
  EXPECT_TRUE(root.value(4).is_null());
  EXPECT_TRUE(root.item(0).is_null());  // wrong-kind access is a null node, not a crash
  EXPECT_EQ(root.value(99).kind(), Kind::Null);
}

TEST(YamlParse, EmptyStreamIsNull) {
  auto doc = parse("");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->root().is_null());
  doc = parse("# only a comment\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->root().is_null());
}

TEST(YamlParse, ScalarStyles) {
  auto doc = parse("p: plain\ns: 'single'\nd: \"dou\\tble\"\nl: |\n  line1\n  line2\nf: >-\n  folded\n  text\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node r = doc->root();
  EXPECT_EQ(r.value(0).style(), Style::Plain);
  EXPECT_EQ(r.value(1).style(), Style::SingleQuoted);
  EXPECT_EQ(r.value(2).style(), Style::DoubleQuoted);
  EXPECT_EQ(r.value(2).scalar(), "dou\tble");
  EXPECT_EQ(r.value(3).style(), Style::Literal);
  EXPECT_EQ(r.value(3).scalar(), "line1\nline2\n");
  EXPECT_EQ(r.value(4).style(), Style::Folded);
  EXPECT_EQ(r.value(4).scalar(), "folded text");
  EXPECT_TRUE(r.value(0).is_plain());
  EXPECT_FALSE(r.value(1).is_plain());
}

TEST(YamlParse, QuotedNullWordsAreScalars) {
  auto doc = parse("a: 'null'\nb: \"~\"\nc: !!str\nd: null\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node r = doc->root();
  EXPECT_TRUE(r.value(0).is_scalar());
  EXPECT_EQ(r.value(0).scalar(), "null");
  EXPECT_TRUE(r.value(1).is_scalar());
  EXPECT_TRUE(r.value(2).is_scalar());  // an explicitly tagged empty string
  EXPECT_EQ(r.value(2).scalar(), "");
  EXPECT_TRUE(r.value(3).is_null());
}

TEST(YamlParse, Tags) {
  auto doc = parse("%TAG !e! tag:example.com,2000:\n---\na: !!str 42\nb: !local x\nc: ! y\nd: !e!thing z\ne: w\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node r = doc->root();
  EXPECT_EQ(r.value(0).tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(r.value(1).tag(), "!local");
  EXPECT_EQ(r.value(2).tag(), "!");
  EXPECT_EQ(r.value(3).tag(), "tag:example.com,2000:thing");
  EXPECT_EQ(r.value(4).tag(), "");
  EXPECT_FALSE(r.value(0).is_plain());
}

TEST(YamlParse, Positions) {
  auto doc = parse("top:\n  key: value\n  seq:\n    - 'q'\n  anchored: &a !!str x\n  lit: |\n    text\n"
                   "  lit2: >+ # comment | >\n    more\n  'é': v\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node top = doc->root().value(0);
  EXPECT_EQ(pos(doc->root().key(0)), "1:1");
  EXPECT_EQ(pos(top), "2:3");             // a block mapping starts at its first key
  EXPECT_EQ(pos(top.value(0)), "2:8");
  EXPECT_EQ(pos(top.value(1)), "4:5");    // a block sequence at its first '-'
  EXPECT_EQ(pos(top.value(1).item(0)), "4:7");  // a quoted scalar at its quote
  EXPECT_EQ(pos(top.value(2)), "5:13");   // a node with properties at its first property
  EXPECT_EQ(pos(top.value(3)), "6:8");    // a block scalar at its indicator
  EXPECT_EQ(pos(top.value(4)), "8:9");
  EXPECT_EQ(pos(top.value(5)), "10:8");   // columns count characters
}

TEST(YamlParse, SyntaxErrorsArePositioned) {
  // The unterminated quote of issue 15 no longer swallows the rest of the file.
  EXPECT_EQ(error_of("version: \"1\"\nworkflows:\n  w:\n    steps:\n      - run: \"echo start\n"
                     "      - run: echo second\n"),
            "5:14: wrongly indented double-quoted scalar");
  EXPECT_EQ(error_of("a: [1, 2\n"), "2:1: flow sequence without a closing bracket");
  EXPECT_EQ(error_of("a: 1\n b: 2\n"), "1:4: invalid multiline plain key");
  // An error in a later document counts, though only the first is returned.
  EXPECT_EQ(error_of("a: 1\n---\nb: [\n"), "4:1: flow sequence without a closing bracket");
}

TEST(YamlParse, OnlyTheFirstDocumentIsReturned) {
  auto doc = parse("--- first\n--- second\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->root().scalar(), "first");
}

TEST(YamlParse, NulBytesAndCharacters) {
  EXPECT_EQ(error_of(std::string("a: b\nc: \"d\0e\"\n", 14)), "2:6: NUL byte in YAML text is not allowed");
  EXPECT_EQ(error_of(std::string("\0", 1)), "1:1: NUL byte in YAML text is not allowed");
  auto doc = parse("run: \"echo a\\0rm -rf x\"\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->root().value(0).scalar(), std::string("echo a\0rm -rf x", 15));
  ParseOptions strict;
  strict.allow_nul_in_scalars = false;
  EXPECT_EQ(error_of("x: 1\nrun: \"echo a\\0rm -rf x\"\n", strict),
            "2:6: NUL character (\\0) in a scalar is not allowed");
  EXPECT_EQ(error_of("k: \"\\x00\"\n", strict), "1:4: NUL character (\\0) in a scalar is not allowed");
}

TEST(YamlParse, DuplicateKeys) {
  ParseOptions unique;
  unique.unique_keys = true;
  EXPECT_EQ(error_of("a: 1\nb:\n  x: 1\n  'x': 2\n", unique), "4:3: mapping key \"x\" already defined at line 3");
  // Off by default: both pairs are kept, in order.
  auto doc = parse("a: 1\na: 2\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->root().size(), 2u);
  EXPECT_EQ(doc->root().value(1).scalar(), "2");
}

TEST(YamlParse, AliasesResolveToTheirAnchor) {
  auto doc = parse("base: &b {k: [1, 2]}\ncopy: *b\nlist: [*b, *b]\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Node r = doc->root();
  EXPECT_TRUE(r.value(1).is_mapping());
  EXPECT_EQ(r.value(1).value(0).item(1).scalar(), "2");
  EXPECT_EQ(pos(r.value(1)), "1:7");  // the anchored node's position
  EXPECT_EQ(r.value(2).item(1).key(0).scalar(), "k");
  EXPECT_EQ(error_of("a: *nowhere\n"), "1:4: alias *nowhere refers to an undefined anchor");
  // Anchors are local to their document.
  EXPECT_EQ(error_of("--- &a x\n--- *a\n"), "2:5: alias *a refers to an undefined anchor");
}

TEST(YamlParse, SelfReferenceAndDepthLimit) {
  EXPECT_EQ(error_of("a: &a [*a]\n"), "1:4: document nesting exceeds 256 levels (or an alias refers to itself)");
  EXPECT_EQ(error_of("a: " + std::string(300, '[') + std::string(300, ']') + "\n"),
            "1:260: document nesting exceeds 256 levels (or an alias refers to itself)");
  EXPECT_TRUE(parse("a: " + std::string(254, '[') + "1" + std::string(254, ']') + "\n").ok());
  ParseOptions shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(error_of("a: {b: {c: 1}}\n", shallow), "1:9: document nesting exceeds 2 levels (or an alias refers to itself)");
  // Far deeper than any limit: the parser is iterative, no stack overflow.
  EXPECT_NE(error_of(std::string(200000, '[')), "parsed");
}

TEST(YamlParse, NodeLimitCountsAliasExpansion) {
  const std::string bomb = tako::yaml::testing::alias_bomb();
  EXPECT_EQ(error_of(bomb), "1:14: document too large: more than 1000000 nodes after alias expansion");
  ParseOptions small;
  small.max_nodes = 5;
  EXPECT_EQ(error_of("a: [1, 2, 3]\n", small), "1:11: document too large: more than 5 nodes after alias expansion");
  EXPECT_TRUE(parse("a: [1, 2]\n", small).ok());
}

TEST(YamlParse, InvalidUtf8IsAPositionedError) {
  // libfyaml alone would end the stream at the bad byte and drop the rest.
  EXPECT_EQ(error_of("version: 1\nworkflows:\n  \xff\xfe: {steps: [x]}\n"),
            "3:3: invalid UTF-8 (byte 0xff); YAML text must be UTF-8");
  EXPECT_EQ(error_of("a: \xc3\xa9\xed\xa0\x80\n"), "1:5: invalid UTF-8 (byte 0xed); YAML text must be UTF-8");
  EXPECT_EQ(error_of("a: \xc0\xaf\n"), "1:4: invalid UTF-8 (byte 0xc0); YAML text must be UTF-8");
  EXPECT_EQ(error_of("a: \xe2\x82\n"), "1:4: invalid UTF-8 (byte 0xe2); YAML text must be UTF-8");
  auto doc = parse("\xef\xbb\xbf" "a: \xf0\x9f\x90\x99 \xe2\x82\xac\n");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_EQ(doc->root().value(0).scalar(), "\xf0\x9f\x90\x99 \xe2\x82\xac");
}

TEST(YamlParse, ErrorsThatCorruptLibfyamlStateDoNotCrash) {
  // libfyaml 0.7.12 crashed in fy_parser_destroy after these (found by fuzz/yaml).
  EXPECT_EQ(error_of("? ::\t?"), "1:5: cannot use tab for indentation of block entry");
  EXPECT_EQ(error_of("a:\n  ? ::\t?\n"), "2:7: cannot use tab for indentation of block entry");
}
