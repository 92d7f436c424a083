#include "tako/cli/output.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace tako::cli {

namespace {
void write_line(FILE* f, std::string_view a, std::string_view b) {
  std::string line;
  line.reserve(a.size() + b.size() + 1);
  line.append(a).append(b).push_back('\n');
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);
}
}  // namespace

int report_error(std::string_view message) {
  write_line(stderr, "Error: ", message);
  return 1;
}

int report_usage_error(std::string_view message, std::string_view command_path) {
  write_line(stderr, "Error: ", message);
  std::string hint = command_path.empty() ? std::string("Run 'tako --help' for usage.")
                                          : "Run 'tako " + std::string(command_path) + " --help' for usage.";
  write_line(stderr, hint, "");
  return 1;
}

void report_warning(std::string_view message) { write_line(stderr, "warning: ", message); }

bool color_enabled(bool no_color_flag) {
  if (no_color_flag) return false;
  const char* nc = std::getenv("NO_COLOR");
  if (nc != nullptr && *nc != '\0') return false;
  return ::isatty(STDOUT_FILENO) == 1;
}

}  // namespace tako::cli
