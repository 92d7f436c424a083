// Command-line parsing with cobra-compatible behaviour and messages (REFERENCE.md §1.1):
// flags before or after positionals, --flag=value and --flag value, "--" ends
// flags, comma-separated repeatable list flags, and tako exec's dynamic
// --inputs.<name> flags.
#pragma once

#include <string>
#include <vector>

#include "tako/cli/invocation.h"

namespace tako::cli {

struct ParseOutcome {
  enum class Kind { Run, Help, UsageError } kind = Kind::Run;
  Invocation invocation;            // Kind::Run
  const CommandSpec* help_for = nullptr;  // Kind::Help (nullptr = root help)
  std::string error;                // Kind::UsageError
  std::string error_command;        // command path for the usage hint ("" = root)
};

// Global flags shared by every command.
const std::vector<FlagSpec>& global_flags();

ParseOutcome parse_command_line(const std::vector<CommandSpec>& commands,
                                const std::vector<std::string>& argv);

}  // namespace tako::cli
