#include "tako/cli/parser.h"

#include <gtest/gtest.h>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"

using namespace tako::cli;

namespace {
ParseOutcome parse(std::vector<std::string> args) { return parse_command_line(command_table(), args); }
}  // namespace

TEST(Parser, FlagsBeforeAndAfterPositionals) {
  auto o = parse({"--root", "/x", "run", "--only=a,b", "make", "--only", "c", "-j", "3", "test"});
  ASSERT_EQ(o.kind, ParseOutcome::Kind::Run) << o.error;
  EXPECT_EQ(o.invocation.command->path, "run");
  EXPECT_EQ(o.invocation.global.root, "/x");
  EXPECT_EQ(o.invocation.list("only"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(o.invocation.value("jobs"), "3");
  EXPECT_EQ(o.invocation.args, (std::vector<std::string>{"make", "test"}));
}

TEST(Parser, DoubleDashEndsFlags) {
  auto o = parse({"eval", "--json", "--", "-1"});
  ASSERT_EQ(o.kind, ParseOutcome::Kind::Run) << o.error;
  EXPECT_TRUE(o.invocation.global.json);
  EXPECT_EQ(o.invocation.args, (std::vector<std::string>{"-1"}));
}

TEST(Parser, UsageErrors) {
  EXPECT_EQ(parse({"bogus"}).error, "unknown command \"bogus\" for \"tako\"");
  auto f = parse({"graph", "--nope"});
  EXPECT_EQ(f.error, "unknown flag: --nope");
  EXPECT_EQ(f.error_command, "graph");
  EXPECT_EQ(parse({"eval"}).error, "accepts 1 arg(s), received 0");
  EXPECT_EQ(parse({"eval", "a", "b"}).error, "accepts 1 arg(s), received 2");
  EXPECT_EQ(parse({"run"}).error, "requires at least 1 arg(s), only received 0");
  EXPECT_EQ(parse({"graph", "--json=maybe"}).kind, ParseOutcome::Kind::UsageError);
  EXPECT_EQ(parse({"run", "-x", "ls"}).error, "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(parse({"version", "--format"}).error, "unknown flag: --format");
  EXPECT_EQ(parse({"cache", "explode"}).error, "unknown command \"explode\" for \"tako cache\"");
}

TEST(Parser, ExecInputs) {
  auto o = parse({"exec", "deploy", "--inputs.env=prod", "--inputs.msg", "hi there", "--input", "x=1=2",
                  "--inputs.env=", "--dry-run"});
  ASSERT_EQ(o.kind, ParseOutcome::Kind::Run) << o.error;
  EXPECT_EQ(o.invocation.args, (std::vector<std::string>{"deploy"}));
  ASSERT_EQ(o.invocation.inputs.size(), 4u);
  EXPECT_EQ(o.invocation.inputs[1], (std::pair<std::string, std::string>{"msg", "hi there"}));
  EXPECT_EQ(o.invocation.inputs[2], (std::pair<std::string, std::string>{"x", "1=2"}));
  EXPECT_EQ(o.invocation.inputs[3], (std::pair<std::string, std::string>{"env", ""}));
  EXPECT_TRUE(o.invocation.flag("dry-run"));
  EXPECT_EQ(parse({"exec", "w", "--inputs", "x"}).error,
            "invalid input flag '--inputs': use --inputs.<name>=<value>");
  EXPECT_EQ(parse({"exec", "w", "--input", "novalue"}).error, "invalid input 'novalue': expected <name>=<value>");
}

TEST(Parser, HelpAnywhere) {
  EXPECT_EQ(parse({}).kind, ParseOutcome::Kind::Help);
  auto h = parse({"graph", "--bogus-is-ignored-with-help", "-h"});
  EXPECT_EQ(h.kind, ParseOutcome::Kind::Help);
  ASSERT_NE(h.help_for, nullptr);
  EXPECT_EQ(h.help_for->path, "graph");
  auto sub = parse({"cache", "prune", "--help"});
  ASSERT_NE(sub.help_for, nullptr);
  EXPECT_EQ(sub.help_for->path, "cache prune");
}

TEST(Parser, HelpListsEveryCommandAndFlag) {
  std::string root = help_text(nullptr);
  for (const auto& c : command_table()) {
    if (c.hidden) {  // internal commands (__complete, __man) stay out of the help
      EXPECT_EQ(root.find(c.path), std::string::npos) << c.path;
      continue;
    }
    EXPECT_NE(root.find(c.path), std::string::npos) << c.path;
    std::string own = help_text(&c);
    for (const auto& f : c.flags) EXPECT_NE(own.find("--" + f.name), std::string::npos) << c.path << " " << f.name;
  }
}

// §1.1: `tako` without a command still refuses flags it does not know (it used to print help and
// exit 0); known global flags alone keep printing help.
TEST(Parser, UnknownFlagsWithoutACommand) {
  auto bogus = parse({"--bogus"});
  EXPECT_EQ(bogus.kind, ParseOutcome::Kind::UsageError);
  EXPECT_EQ(bogus.error, "unknown flag: --bogus");
  EXPECT_EQ(bogus.error_command, "");
  EXPECT_EQ(parse({"-x"}).error, "unknown shorthand flag: 'x' in -x");
  EXPECT_EQ(parse({"--bogus=1"}).error, "unknown flag: --bogus");
  EXPECT_EQ(parse({"--root", "--bogus"}).kind, ParseOutcome::Kind::Help);  // "--bogus" is --root's value
  EXPECT_EQ(parse({"--root", "/x", "--nope"}).error, "unknown flag: --nope");
  EXPECT_EQ(parse({"-hx"}).error, "unknown shorthand flag: 'x' in -hx");
  auto group = parse({"cache", "--bogus"});
  EXPECT_EQ(group.error, "unknown flag: --bogus");
  EXPECT_EQ(group.error_command, "cache");
  EXPECT_EQ(parse({"--bogus", "--help"}).kind, ParseOutcome::Kind::Help);
  EXPECT_EQ(parse({"--local", "--no-color"}).kind, ParseOutcome::Kind::Help);
  EXPECT_EQ(parse({"--", "--bogus"}).kind, ParseOutcome::Kind::UsageError);  // "--bogus" is a command word
}

namespace {
Invocation with_flag(const std::string& name, const std::string& value) {
  Invocation inv;
  inv.flags[name] = {value};
  return inv;
}
}  // namespace

TEST(FlagValues, CountFlagRange) {
  auto count = [](const std::string& v) {
    auto r = count_flag(with_flag("limit", v), "limit", "--limit", 20, 1000, "must be a positive integer");
    return r ? std::to_string(*r) : r.error().message;
  };
  EXPECT_EQ(count("1"), "1");
  EXPECT_EQ(count("1000"), "1000");
  EXPECT_EQ(count("0001000"), "1000");
  EXPECT_EQ(count("1001"), "invalid argument \"1001\" for \"--limit\" flag: must be at most 1000");
  EXPECT_EQ(count("99999999999999999999999999"),
            "invalid argument \"99999999999999999999999999\" for \"--limit\" flag: must be at most 1000");
  for (const char* bad : {"0", "000", "-1", "+1", " 1", "1 ", "1.0", "1e2", "0x10", ""}) {
    EXPECT_EQ(count(bad), std::string("invalid argument \"") + bad + "\" for \"--limit\" flag: must be a positive integer");
  }
  auto fallback = count_flag(Invocation{}, "limit", "--limit", 20, 1000, "x");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(*fallback, 20);
}

TEST(FlagValues, DurationFlagRefusesNegative) {
  auto d = [](const std::string& v) {
    auto r = duration_flag(with_flag("lock-timeout", v), "lock-timeout", "10m");
    return r ? std::to_string(r->count()) : r.error().message;
  };
  EXPECT_EQ(d("0s"), "0");
  EXPECT_EQ(d("1s"), "1000000000");
  EXPECT_EQ(d("-1s"), "invalid argument \"-1s\" for \"--lock-timeout\" flag: must not be negative");
  EXPECT_EQ(d("-0s"), "0");
  EXPECT_EQ(d("soon"), "invalid argument \"soon\" for \"--lock-timeout\" flag: time: invalid duration \"soon\"");
  auto fallback = duration_flag(Invocation{}, "lock-timeout", "10m");
  ASSERT_TRUE(fallback);
  EXPECT_EQ(fallback->count(), 600'000'000'000);
}
