// Shell completion scripts (REFERENCE.md §1.2) generated from the command table: command and
// subcommand names, each command's own flags plus the global ones, and flag/argument values.
// Dynamic values (workflow names, run ids, repository identities) come from the hidden command
// `tako __complete workflows|runs|repos`, which the scripts call with the global flags
// (--root, --repo, --local, --cache-dir) of the line being completed.
#pragma once

#include <optional>
#include <string>

namespace tako::cli {

// What a flag value or positional argument completes to.
struct ValueSource {
  enum class Kind { Words, Files, Dirs, Dynamic } kind = Kind::Words;
  std::string words;  // Words: space-separated; Dynamic: workflows|runs|repos
  bool list = false;  // comma-separated list flag (--only, --ignore)
};

// Values of `--<flag>` (any command), nullopt when the flag's value is free text.
std::optional<ValueSource> flag_values(const std::string& flag);
// Values of the first positional argument of `command` ("exec", "status", "completion").
std::optional<ValueSource> argument_values(const std::string& command);

// The script for "bash", "zsh" or "fish"; nullopt for another shell.
std::optional<std::string> completion_script(const std::string& shell);

}  // namespace tako::cli
