// Running the git CLI (REFERENCE.md §3.3): always with GIT_TERMINAL_PROMPT=0, output
// captured (stdout and stderr combined) for error messages.
#pragma once

#include <string>
#include <vector>

namespace tako::repo {

struct GitResult {
  int exit_code = 0;   // -1 when git could not be started
  std::string output;  // combined stdout+stderr
  bool ok() const { return exit_code == 0; }
  // The output with surrounding white space removed, as used in TAKO_Exxx texts.
  std::string trimmed() const;
};

// Runs `git <args...>` (cwd unchanged) and waits for it.
GitResult run_git(const std::vector<std::string>& args);

}  // namespace tako::repo
