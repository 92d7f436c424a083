// `tako report <run-id> [-o FILE]` (REFERENCE.md "tako report", docs/REPORT.md): one
// self-contained HTML page of a stored run.
#include <cstdio>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/cli/report_output.h"
#include "tako/report/html_report.h"

namespace tako::cli {

int cmd_report(const Invocation& inv) {
  const std::string& id = inv.args[0];
  // Default: a file named after the run in the current directory (a page on stdout is rarely
  // what a terminal user wants); "-" writes to stdout.
  const std::string path = inv.value("output").value_or("tako-report-" + id + ".html");
  if (path.empty()) {
    return report_usage_error("invalid argument \"\" for \"-o, --output\" flag: must be a file name or -", "report");
  }
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  auto timeline = load_timeline(settings->home, id);
  if (!timeline) return report_error(timeline.error().message);
  if (auto s = write_output(path, report::render_html(*timeline)); !s) return report_error(s.error().message);
  if (path != "-") std::printf("Report written to %s\n", path.c_str());
  return 0;
}

}  // namespace tako::cli
