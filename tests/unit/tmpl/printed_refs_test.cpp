// printed_references(): the data-flow walk behind `tako validate`'s injection warning.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tako/tmpl/printed_refs.h"

namespace {

// The printed chains as ".a.b" strings, in order of first appearance.
std::vector<std::string> printed(const char* text) {
  auto t = tako::tmpl::parse(text, "t");
  EXPECT_TRUE(t.ok()) << text;
  std::vector<std::string> out;
  if (!t.ok()) return out;
  for (const auto& r : tako::tmpl::printed_references(**t)) {
    std::string s;
    for (const auto& p : r.path) s += "." + p;
    out.push_back(s);
  }
  return out;
}

using V = std::vector<std::string>;

TEST(PrintedRefs, BareQuotedAndPipelines) {
  EXPECT_EQ(printed("echo {{ .event.payload.v }}"), V{".event.payload.v"});
  EXPECT_EQ(printed("echo \"{{ .inputs.v }}\" '{{ .inputs.w }}'"), (V{".inputs.v", ".inputs.w"}));
  EXPECT_EQ(printed("echo {{ .inputs.v | upper | trim }}"), V{".inputs.v"});
  EXPECT_EQ(printed("echo {{ printf \"%s-%s\" .a .b }}"), (V{".a", ".b"}));
  EXPECT_EQ(printed("echo {{ default \"x\" .a }}"), V{".a"});
  EXPECT_EQ(printed("echo {{ index .event.payload \"my-key\" }}"), V{".event.payload.my-key"});
  EXPECT_EQ(printed("echo {{ (.event).payload.x }}"), V{".event.payload.x"});
}

TEST(PrintedRefs, ShellSafeLastCommandsAreNotReported) {
  EXPECT_EQ(printed("echo {{ .inputs.v | shell_quote }}"), V{});
  EXPECT_EQ(printed("echo {{ shell_quote .inputs.v }}"), V{});
  EXPECT_EQ(printed("echo {{ .inputs.v | upper | shell_quote }}"), V{});
  EXPECT_EQ(printed("echo {{ len .a }} {{ .a | to_int }} {{ eq .a \"x\" }} {{ .a | url_encode }}"), V{});
  // shell_quote first, then something that may undo it: reported.
  EXPECT_EQ(printed("echo {{ .inputs.v | shell_quote | replace \"'\" \"\" }}"), V{".inputs.v"});
}

TEST(PrintedRefs, ConditionsAndAssignmentsAloneAreNotPrinted) {
  EXPECT_EQ(printed("{{ if eq .event.type \"x\" }}echo hi{{ end }}"), V{});
  EXPECT_EQ(printed("{{ if .event.payload.x }}echo {{ .inputs.a }}{{ else }}{{ .inputs.b }}{{ end }}"),
            (V{".inputs.a", ".inputs.b"}));
  EXPECT_EQ(printed("{{ $x := .event.payload.v }}echo ok"), V{});
  EXPECT_EQ(printed("{{ $x := .event.payload.v }}echo {{ $x }}"), V{".event.payload.v"});
  EXPECT_EQ(printed("{{ $x := .event.payload.v }}echo {{ $x | shell_quote }}"), V{});
  EXPECT_EQ(printed("{{ $x := \"a\" }}{{ $x = .inputs.v }}echo {{ $x }}"), V{".inputs.v"});
  EXPECT_EQ(printed("echo {{ $.inputs.v }}"), V{".inputs.v"});
}

TEST(PrintedRefs, WithAndRangeMoveDot) {
  EXPECT_EQ(printed("{{ with .event.payload }}echo {{ .v }}{{ end }}"), V{".event.payload.v"});
  EXPECT_EQ(printed("{{ range .event.payload.list }}echo {{ . }}{{ end }}"), V{".event.payload.list"});
  EXPECT_EQ(printed("{{ range $k, $v := .event.payload }}echo {{ $k }}{{ end }}"), V{".event.payload"});
  EXPECT_EQ(printed("{{ range .event.payload.list }}echo {{ . | shell_quote }}{{ end }}"), V{});
  EXPECT_EQ(printed("{{ with .inputs.x }}{{ else }}echo {{ .inputs.y }}{{ end }}"), V{".inputs.y"});
}

TEST(PrintedRefs, ShellQuoteHoldsOnlyOutsideQuotes) {
  auto inside = [](const char* text) {
    auto t = tako::tmpl::parse(text, "t");
    EXPECT_TRUE(t.ok());
    std::vector<std::string> out;
    for (const auto& r : tako::tmpl::printed_references(**t)) {
      out.push_back(r.path.back() + (r.quoted_inside_quotes ? ":inside" : ":bare"));
    }
    return out;
  };
  EXPECT_EQ(inside("echo \"x {{ .a | shell_quote }}\""), V{"a:inside"});
  EXPECT_EQ(inside("echo 'x {{ shell_quote .a }}'"), V{"a:inside"});
  EXPECT_EQ(inside("echo \"x\" {{ .a | shell_quote }} 'y'"), V{});
  EXPECT_EQ(inside("echo \\\" {{ .a | shell_quote }}"), V{});  // an escaped quote opens nothing
  EXPECT_EQ(inside("echo \"a\\\"b {{ .a | shell_quote }}\""), V{"a:inside"});
  EXPECT_EQ(inside("echo \"{{ .a }}\" {{ .b | shell_quote }}"), V{"a:bare"});
  // Numbers and url-encoded text are safe anywhere.
  EXPECT_EQ(inside("echo \"{{ len .a }} {{ .b | url_encode }}\""), V{});
}

TEST(PrintedRefs, LineOfTheFirstUse) {
  auto t = tako::tmpl::parse("echo a\necho {{ .inputs.v }}\necho {{ .inputs.v }}", "t");
  ASSERT_TRUE(t.ok());
  auto refs = tako::tmpl::printed_references(**t);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].line, 2);
}

}  // namespace
