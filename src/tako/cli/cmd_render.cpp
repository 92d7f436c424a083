#include <cstdio>

#include "tako/cli/commands.h"
#include "tako/cli/output.h"
#include "tako/tmpl/render_command.h"

namespace tako::cli {

int cmd_render(const Invocation& inv) {
  tmpl::RenderRequest req;
  req.text = inv.args[0];
  req.data_file = inv.value("data");
  req.missingkey = inv.value("missingkey").value_or("empty");
  if (req.missingkey != "empty" && req.missingkey != "default" && req.missingkey != "zero" &&
      req.missingkey != "error") {
    return report_usage_error("invalid argument \"" + req.missingkey +
                                  "\" for \"--missingkey\" flag: must be one of empty, default, zero, error",
                              "render");
  }
  auto out = tmpl::run_render(req);
  if (!out) return report_error(out.error().message);
  std::fwrite(out->data(), 1, out->size(), stdout);
  return 0;
}

}  // namespace tako::cli
