#include <cstdio>

#include "tako/cel/eval_command.h"
#include "tako/cli/commands.h"
#include "tako/cli/output.h"

namespace tako::cli {

int cmd_eval(const Invocation& inv) {
  cel::EvalRequest req;
  req.expression = inv.args[0];
  req.data_file = inv.value("data");
  req.vars = inv.list("var");
  req.container = inv.value("container").value_or("");
  req.json = inv.global.json;
  auto out = cel::run_eval(req);
  if (!out) return report_error(out.error().message);
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

}  // namespace tako::cli
