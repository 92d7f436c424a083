#include <algorithm>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/parser.h"

namespace tako::cli {

namespace {

std::string flag_lines(const std::vector<FlagSpec>& flags) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& f : flags) {
    std::string left = f.shorthand ? std::string("-") + f.shorthand + ", " : "    ";
    left += "--" + f.name;
    if (!f.value_name.empty()) left += " " + f.value_name;
    width = std::max(width, left.size());
    rows.emplace_back(left, f.help);
  }
  std::string out;
  for (const auto& [l, h] : rows) out += "  " + l + std::string(width - l.size() + 3, ' ') + h + "\n";
  return out;
}

}  // namespace

std::string help_text(const CommandSpec* cmd) {
  std::string out;
  if (cmd == nullptr) {
    out +=
        "Tako is a command-line tool that simplifies multi-repository workflows by understanding the "
        "dependencies between your projects.\n"
        "It allows you to run commands across your repositories in the correct order, ensuring that changes "
        "are built, tested, and released reliably.\n\n"
        "Usage:\n  tako <command> [flags]\n\nCommands:\n";
    size_t width = 0;
    for (const auto& c : command_table()) {
      if (!c.hidden) width = std::max(width, c.path.size());
    }
    for (const auto& c : command_table()) {
      if (c.hidden) continue;
      out += "  " + c.path + std::string(width - c.path.size() + 3, ' ') + c.summary + "\n";
    }
    out += "\nGlobal flags:\n" + flag_lines(global_flags());
    out += "\nUse \"tako <command> --help\" for more information about a command.\n";
    return out;
  }
  out += cmd->summary + "\n\nUsage:\n  " + cmd->usage + "\n";
  if (cmd->group) {
    out += "\nCommands:\n";
    for (const auto& c : command_table()) {
      if (c.path.rfind(cmd->path + " ", 0) == 0) out += "  " + c.path + "   " + c.summary + "\n";
    }
  }
  std::vector<FlagSpec> own = cmd->flags;
  if (cmd->accepts_json) own.push_back({"json", 0, FlagKind::Bool, "", "machine-readable JSON output"});
  if (cmd->path == "exec") {
    own.insert(own.begin(), {"inputs.<name>", 0, FlagKind::Value, "VALUE", "workflow input (repeatable)"});
    own.insert(own.begin() + 1, {"input", 0, FlagKind::Value, "NAME=VALUE", "workflow input (repeatable)"});
  }
  if (!own.empty()) out += "\nFlags:\n" + flag_lines(own);
  out += "\nGlobal flags:\n" + flag_lines(global_flags());
  return out;
}

}  // namespace tako::cli
