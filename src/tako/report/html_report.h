// The HTML report of one execution tree (`tako report <run-id>`, docs/REPORT.md): one
// self-contained page (inline CSS and JS, no network, no external assets) with a summary, a Gantt
// timeline of every run and step with their waits shaded, the execution tree with statuses,
// durations and errors, and the event of every fan-out.
#pragma once

#include <string>

#include "tako/report/timeline.h"

namespace tako::report {

// Every value from the tree (names, errors, payloads) is escaped (escape_html; the model's JSON
// data block with script_safe_json). Bars carry class "bar run|step|wait" and data-run/data-step
// attributes, so that a test (or a user's script) can count them in the DOM.
std::string render_html(const Timeline& t);

}  // namespace tako::report
