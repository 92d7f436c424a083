// Small commands: version, completion and the man page.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/completion.h"
#include "tako/cli/man_page.h"
#include "tako/cli/output.h"
#include "tako/util/version.h"

namespace tako::cli {

namespace {
void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }
}  // namespace

int cmd_version(const Invocation& inv) {
  if (inv.global.json) {
    print(std::string("{\"version\":\"") + kVersion + "\"}\n");
  } else {
    print(std::string(kVersion) + "\n");
  }
  return 0;
}

int cmd_completion(const Invocation& inv) {
  auto script = completion_script(inv.args[0]);
  if (!script) {
    return report_usage_error("invalid argument \"" + inv.args[0] + "\" for \"tako completion\"", "completion");
  }
  print(*script);
  return 0;
}

int cmd_man(const Invocation&) {
  // SOURCE_DATE_EPOCH (reproducible builds) fixes the date; otherwise today's.
  std::time_t t = std::time(nullptr);
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH"); sde != nullptr && *sde != '\0') {
    t = static_cast<std::time_t>(std::strtoll(sde, nullptr, 10));
  }
  char date[16] = {};
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  print(man_page(date));
  return 0;
}

}  // namespace tako::cli
