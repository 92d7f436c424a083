// The progress line of `tako run` on a terminal (docs/CLI.md "Live view"):
//   [3/10] 2 running, 1 failed
#pragma once

#include <string>

namespace tako::view {

struct RunProgress {
  int total = 0;
  int done = 0;  // finished: succeeded, failed or skipped
  int running = 0;
  int failed = 0;
};

std::string render_run_progress(const RunProgress& p, int width, bool color);

// The line shown while remote repositories are cloned or updated, before a command runs:
//   [2/5] resolving repositories: o/lib, 1 failed
struct ResolveLine {
  int total = 0;
  int done = 0;
  int failed = 0;
  std::string current;  // "" between two
};

std::string render_resolve_progress(const ResolveLine& p, int width, bool color);

}  // namespace tako::view
