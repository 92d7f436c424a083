// Placeholders replaced as the foundation modules land.
#include "tako/cli/commands.h"
#include "tako/cli/output.h"

namespace tako::cli {

int cmd_graph(const Invocation&) { return report_error("not implemented yet"); }
int cmd_run(const Invocation&) { return report_error("not implemented yet"); }
int cmd_cache_clean(const Invocation&) { return report_error("not implemented yet"); }
int cmd_cache_prune(const Invocation&) { return report_error("not implemented yet"); }

}  // namespace tako::cli
