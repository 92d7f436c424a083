// `tako schema` (REFERENCE.md §1.13): the JSON Schema of tako.yml on stdout.
#include <cstdio>

#include "tako/cli/commands.h"
#include "tako/cli/config_schema.h"

namespace tako::cli {

int cmd_schema(const Invocation&) {
  std::string out = config_schema().dump(2, ' ', true) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace tako::cli
