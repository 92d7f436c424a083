// The parsed command line handed to a command handler (REFERENCE.md §1.1).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tako::cli {

enum class FlagKind { Bool, Value, List };

struct FlagSpec {
  std::string name;        // long name without "--"
  char shorthand = 0;      // e.g. 'j' for -j
  FlagKind kind = FlagKind::Bool;
  std::string value_name;  // for help: "N", "DIR", ...
  std::string help;
};

struct Invocation;
using Handler = std::function<int(const Invocation&)>;

struct CommandSpec {
  std::string path;     // "graph", "cache clean"
  std::string usage;    // "tako graph [flags]"
  std::string summary;  // one line for the command list
  std::vector<FlagSpec> flags;
  int min_args = 0;
  int max_args = 0;     // -1 = unlimited
  bool accepts_json = false;
  bool group = false;   // "cache", "workspace": only holds subcommands
  Handler handler;
  // Internal commands the completion scripts and the build call (`__complete`, `__man`): not in the
  // help, the man page or the completion of command names.
  bool hidden = false;
};

// Global options (REFERENCE.md §1.1), present on every invocation.
struct GlobalOptions {
  std::optional<std::string> root;
  std::optional<std::string> repo;
  bool local = false;
  std::optional<std::string> cache_dir;
  bool no_color = false;
  bool json = false;
};

struct Invocation {
  const CommandSpec* command = nullptr;
  std::vector<std::string> args;  // positional arguments
  GlobalOptions global;
  // Values of command flags by long name. Bool flags hold "true"/"false";
  // list flags hold every comma-separated item in order.
  std::map<std::string, std::vector<std::string>> flags;
  // `exec` inputs in command-line order: (name, value).
  std::vector<std::pair<std::string, std::string>> inputs;

  bool has(const std::string& name) const { return flags.count(name) > 0; }
  bool flag(const std::string& name) const;  // bool flag value
  std::optional<std::string> value(const std::string& name) const;  // last value
  std::vector<std::string> list(const std::string& name) const;
};

}  // namespace tako::cli
