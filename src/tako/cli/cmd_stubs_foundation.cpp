// Placeholders replaced as the foundation modules land.
#include "tako/cli/commands.h"
#include "tako/cli/output.h"

namespace tako::cli {

int cmd_validate(const Invocation&) { return report_error("not implemented yet"); }

}  // namespace tako::cli
