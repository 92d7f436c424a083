// Loading and validating tako.yml (REFERENCE.md §4, §1.3).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tako/config/config.h"
#include "tako/util/result.h"

namespace tako::config {

struct Diagnostic {
  std::string file;  // absolute path of tako.yml
  int line = 0;
  int column = 0;
  std::string message;
};

struct ValidationReport {
  // Set when the file cannot be read or parsed as YAML: the whole message,
  // e.g. "could not read config file: open <p>: no such file or directory" or
  // "could not unmarshal config: <p>:<l>:<c>: <parser message>". No other
  // diagnostics are reported then.
  std::optional<std::string> load_error;
  std::vector<Diagnostic> errors;    // file order
  std::vector<Diagnostic> warnings;  // file order
  Config config;                     // best effort when errors exist
};

// Validates the tako.yml at `path` (all rules of §4); never stops at the first error.
// The file must be a regular file of at most util::kMaxInputFileBytes (1 MiB);
// anything else is a read error ("could not read config file: read <p>: is a
// FIFO, not a regular file", "...: file is larger than the 1 MiB limit").
ValidationReport validate_file(const std::string& path);

// The same for text already in memory (fuzzing, tests); `path` is used as
// given in messages and Config::path.
ValidationReport validate_string(const std::string& path, std::string_view text);

// Loads for use by commands: the first error as
//   "could not read config file: ..." / "could not unmarshal config: ..." /
//   "failed to load config: <path>:<line>:<col>: <message>".
Result<Config> load_file(const std::string& path);
Result<Config> load_string(const std::string& path, std::string_view text);

}  // namespace tako::config
