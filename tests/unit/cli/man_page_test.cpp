#include "tako/cli/man_page.h"

#include <gtest/gtest.h>

#include "tako/cli/commands.h"

using namespace tako::cli;

TEST(ManPage, Escaping) {
  EXPECT_EQ(roff_escape("a-b"), "a\\-b");
  EXPECT_EQ(roff_escape("C:\\x"), "C:\\ex");
  EXPECT_EQ(roff_escape(".start"), "\\&.start");
  EXPECT_EQ(roff_escape("'quote"), "\\&'quote");
  EXPECT_EQ(roff_escape("plain"), "plain");
}

TEST(ManPage, EveryVisibleCommandAndFlag) {
  std::string page = man_page("2026-01-02");
  EXPECT_EQ(page.find(".TH TAKO 1 \"2026-01-02\""), page.find(".TH"));
  for (const auto& c : command_table()) {
    if (c.group) continue;
    const bool listed = page.find(".SS \"" + roff_escape(c.usage) + "\"") != std::string::npos;
    EXPECT_EQ(listed, !c.hidden) << c.path;
    if (c.hidden) continue;
    for (const auto& f : c.flags) EXPECT_NE(page.find(roff_escape("--" + f.name)), std::string::npos) << f.name;
  }
  // No line may start with a stray request character from the text.
  size_t pos = 0;
  while ((pos = page.find("\n'", pos)) != std::string::npos) ADD_FAILURE() << "line starts with ' at " << pos++;
}
