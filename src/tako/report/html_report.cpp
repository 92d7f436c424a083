#include "tako/report/html_report.h"

#include <cstdio>
#include <map>
#include <utility>

#include "tako/report/axis.h"
#include "tako/report/html_escape.h"
#include "tako/util/go_duration.h"
#include "tako/util/version.h"

namespace tako::report {

namespace {

// No url(), @import or font files: the page must render offline from the one file.
constexpr const char* kStyle = R"css(
:root{--fg:#1d2330;--muted:#667085;--line:#e3e6eb;--bg:#fff;--ok:#2e9d5b;--fail:#d0393e;--run:#2f6fdb;
--pend:#9aa3b2;--cancel:#d98a1f;--skip:#c5cad3;--queue:#f1d48a;--lock:#e8a0a0;--parent:#b9c6e6}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;
  padding:1.5em 2em}
h1{font-size:1.4em;margin:0 0 .3em}
h2{font-size:1.15em;margin:1.6em 0 .6em;border-bottom:1px solid var(--line);padding-bottom:.2em}
code,pre,.mono{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;font-size:12.5px}
.summary{display:flex;flex-wrap:wrap;gap:.4em 2em;color:var(--muted)}.summary b{color:var(--fg);font-weight:600}
.status{display:inline-block;padding:0 .45em;border-radius:3px;font-size:11.5px;font-weight:600;
  text-transform:uppercase;color:#fff;background:var(--pend)}
.s-completed{background:var(--ok)}.s-failed,.s-timed_out{background:var(--fail)}.s-running{background:var(--run)}
.s-cancelled{background:var(--cancel)}.s-skipped{background:var(--skip);color:var(--fg)}
.s-pending{background:var(--pend)}
.gantt{border:1px solid var(--line);border-radius:4px;overflow:hidden}
.row{display:flex;border-top:1px solid var(--line);min-height:20px}.row:first-child{border-top:0}
.row.step{min-height:16px;background:#fafbfc}.row.hl{background:#fff7d6}
.label{flex:0 0 34%;max-width:34%;padding:1px 6px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;
  border-right:1px solid var(--line)}
.row.step .label{color:var(--muted);font-size:12.5px}
.track{position:relative;flex:1 1 auto}
.bar{position:absolute;top:3px;bottom:3px;min-width:2px;border-radius:2px;opacity:.92}
.bar.step{top:3px;bottom:3px}
.bar.wait{top:5px;bottom:5px;border-radius:0;opacity:1;
  background:repeating-linear-gradient(45deg,var(--queue) 0 4px,#fbeec8 4px 8px)}
.bar.wait-lock{background:repeating-linear-gradient(45deg,var(--lock) 0 4px,#f6d2d2 4px 8px)}
.bar.wait-parent,.bar.wait-other{background:repeating-linear-gradient(45deg,var(--parent) 0 4px,#e2e8f5 4px 8px)}
.axis{background:#f4f5f7;font-size:11.5px;color:var(--muted)}.axis .track{height:20px}
.tick{position:absolute;top:0;bottom:0;border-left:1px solid #cfd4dc;padding-left:3px;white-space:nowrap}
.legend{display:flex;gap:1.2em;margin:.4em 0;color:var(--muted);font-size:12.5px}
.legend span::before{content:"";display:inline-block;width:14px;height:10px;margin-right:.35em;vertical-align:-1px;
  background:var(--c)}
ul.tree{list-style:none;padding-left:1.2em;margin:.2em 0}ul.tree.top{padding-left:0}
.tree li{margin:.15em 0}.steps{list-style:none;padding-left:1.4em;margin:.1em 0}
.dur{color:var(--muted)}
.err{color:var(--fail);white-space:pre-wrap;margin:.1em 0 .2em;font-family:ui-monospace,Menlo,monospace;
  font-size:12.5px}
.fan{border:1px solid var(--line);border-radius:4px;padding:.6em .9em;margin:.6em 0}
.fan dl{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:0}.fan dt{color:var(--muted)}
.fan dd{margin:0}
pre.payload{background:#f6f8fa;border:1px solid var(--line);border-radius:4px;padding:.5em .7em;overflow:auto;
  max-height:24em;margin:.3em 0 0}
a{color:var(--run);text-decoration:none}a:hover{text-decoration:underline}
)css";

// Clicking a run's row, bar or tree entry highlights all its rows.
constexpr const char* kScript = R"js(
(function(){
  function mark(id){
    document.querySelectorAll('.row').forEach(function(r){r.classList.toggle('hl',r.dataset.run===id);});
  }
  document.addEventListener('click',function(e){
    var el=e.target.closest('[data-run]');
    if(el){mark(el.dataset.run);}
  });
})();
)js";

std::string e(std::string_view s) { return escape_html(s); }

std::string dur(int64_t us) { return util::format_rounded_duration(std::chrono::microseconds(us)); }

std::string pct(int64_t us, int64_t span) {
  char buf[32];
  const double share = span > 0 ? static_cast<double>(us) * 100.0 / static_cast<double>(span) : 0.0;
  std::snprintf(buf, sizeof buf, "%.4f%%", share);
  return buf;
}

std::string status_badge(const std::string& status) {
  return "<span class=\"status s-" + e(status) + "\">" + e(status) + "</span>";
}

std::string bar(const std::string& cls, const RunSpan& r, const std::string* step, int64_t start, int64_t end,
                int64_t span, const std::string& title) {
  std::string out = "<div class=\"bar " + cls + "\" data-run=\"" + e(r.run_id) + "\"";
  if (step != nullptr) out += " data-step=\"" + e(*step) + "\"";
  out += " style=\"left:" + pct(start, span) + ";width:" + pct(end - start, span) + "\" title=\"" + e(title) +
         "\"></div>";
  return out;
}

std::string run_name(const RunSpan& r) { return r.repository + ":" + r.workflow; }

std::string run_duration(const RunSpan& r) {
  if (!r.started) return "not started";
  if (r.open) return "running " + dur(r.end_us - r.start_us);
  return dur(r.end_us - r.start_us);
}

std::string step_duration(const StepSpan& s) {
  if (!s.started) return "";
  return dur(s.end_us - s.start_us);
}

void summary(std::string& out, const Timeline& t) {
  size_t steps = 0;
  int64_t waits[4] = {0, 0, 0, 0};
  for (const RunSpan& r : t.runs) {
    steps += r.steps.size();
    for (const WaitSpan& w : r.waits) waits[static_cast<int>(w.kind)] += w.end_us - w.start_us;
  }
  out += "<header><h1>tako run <span class=\"mono\">" + e(t.root_run_id) + "</span> " + status_badge(t.root_status) +
         "</h1>\n<div class=\"summary\">";
  out += "<span>workflow <b>" + e(t.root_workflow) + "</b></span>";
  out += "<span>started <b>" + e(state::format_time(t.origin)) + "</b></span>";
  out += "<span>wall time <b>" + dur(t.end_us) + "</b></span>";
  out += "<span>runs <b>" + std::to_string(t.runs.size()) + "</b></span>";
  out += "<span>steps <b>" + std::to_string(steps) + "</b></span>";
  out += "<span>peak concurrency <b>" + std::to_string(t.slot_count) + "</b></span>";
  out += "<span>queued (sum over runs) <b>" + dur(waits[static_cast<int>(WaitKind::Queue)]) + "</b></span>";
  out += "<span>lock waits (sum) <b>" + dur(waits[static_cast<int>(WaitKind::Lock)]) + "</b></span>";
  out += "</div></header>\n";
}

void gantt(std::string& out, const Timeline& t) {
  const int64_t span = std::max<int64_t>(t.end_us, 1);
  out += "<section id=\"timeline\"><h2>Timeline</h2>\n";
  out += "<div class=\"legend\"><span style=\"--c:var(--ok)\">completed</span><span style=\"--c:var(--fail)\">failed"
         "</span><span style=\"--c:var(--run)\">running</span><span style=\"--c:var(--cancel)\">cancelled</span>"
         "<span style=\"--c:var(--queue)\">queued (concurrency slot)</span><span style=\"--c:var(--lock)\">lock wait"
         "</span><span style=\"--c:var(--parent)\">other wait</span></div>\n";
  out += "<div class=\"gantt\">\n<div class=\"row axis\"><div class=\"label\">run / step</div><div class=\"track\">";
  const int64_t step = tick_step(span);
  for (int64_t at = 0; at < span || at == 0; at += step) {
    out += "<span class=\"tick\" style=\"left:" + pct(at, span) + "\">" + tick_label(at, step) + "</span>";
  }
  out += "</div></div>\n";
  for (const RunSpan& r : t.runs) {
    const std::string indent = "padding-left:" + std::to_string(6 + 14 * r.depth) + "px";
    out += "<div class=\"row run\" data-run=\"" + e(r.run_id) + "\"><div class=\"label\" style=\"" + indent +
           "\" title=\"" + e(run_name(r)) + "\"><a href=\"#run-" + e(r.run_id) + "\">" + e(run_name(r)) + "</a> " +
           status_badge(r.status) + "</div><div class=\"track\">";
    for (const WaitSpan& w : r.waits) {
      out += bar("wait wait-" + std::string(to_string(w.kind)), r, nullptr, w.start_us, w.end_us, span,
                 "waiting for " + w.reason + ": " + dur(w.end_us - w.start_us));
    }
    std::string title = run_name(r) + " [" + r.status + "] " + run_duration(r);
    if (r.error) title += "\n" + *r.error;
    out += bar("run s-" + r.status, r, nullptr, r.start_us, r.end_us, span, title);
    out += "</div></div>\n";
    for (const StepSpan& s : r.steps) {
      out += "<div class=\"row step\" data-run=\"" + e(r.run_id) + "\"><div class=\"label\" style=\"padding-left:" +
             std::to_string(20 + 14 * r.depth) + "px\">" + e(s.id) + "</div><div class=\"track\">";
      std::string st = s.id + " [" + s.status + "] " + step_duration(s);
      if (s.exit_code) st += " exit " + std::to_string(*s.exit_code);
      if (s.error) st += "\n" + *s.error;
      out += bar("step s-" + s.status, r, &s.id, s.start_us, s.end_us, span, st);
      out += "</div></div>\n";
    }
  }
  out += "</div></section>\n";
}

using Children = std::map<std::pair<std::string, std::string>, std::vector<const RunSpan*>>;

void tree_run(std::string& out, const RunSpan& r, const Children& children) {
  out += "<li id=\"run-" + e(r.run_id) + "\" data-run=\"" + e(r.run_id) + "\"><b>" + e(r.repository) + "</b>:" +
         e(r.workflow) + " " + status_badge(r.status) + " <span class=\"dur\">" + e(run_duration(r)) +
         "</span> <span class=\"mono dur\">" + e(r.run_id) + "</span>";
  if (r.error) out += "<div class=\"err\">" + e(*r.error) + "</div>";
  for (const WaitSpan& w : r.waits) {
    out += "<div class=\"dur\">waited " + dur(w.end_us - w.start_us) + " for " + e(w.reason) + "</div>";
  }
  out += "<ul class=\"steps\">";
  for (const StepSpan& s : r.steps) {
    out += "<li data-step=\"" + e(s.id) + "\"><span class=\"mono\">" + e(s.id) + "</span> " + status_badge(s.status);
    if (s.uses) out += " <span class=\"dur\">uses " + e(*s.uses) + "</span>";
    if (s.started) out += " <span class=\"dur\">" + step_duration(s) + "</span>";
    if (s.exit_code) out += " <span class=\"dur\">exit " + std::to_string(*s.exit_code) + "</span>";
    if (s.cached) out += " <span class=\"dur\">cached</span>";
    if (s.on_failure_of) out += " <span class=\"dur\">on failure of " + e(*s.on_failure_of) + "</span>";
    if (s.has_fan_out) out += " <a href=\"#fanout-" + e(r.run_id) + "-" + e(s.id) + "\">fan-out event</a>";
    if (s.error) out += "<div class=\"err\">" + e(*s.error) + "</div>";
    if (auto c = children.find({r.run_id, s.id}); c != children.end()) {
      out += "<ul class=\"tree\">";
      for (const RunSpan* child : c->second) tree_run(out, *child, children);
      out += "</ul>";
    }
    out += "</li>";
  }
  out += "</ul>";
  // Children of a step the run no longer lists (should not happen; shown rather than lost).
  std::vector<const RunSpan*> orphans;
  for (const auto& [key, runs] : children) {
    if (key.first != r.run_id) continue;
    bool listed = false;
    for (const StepSpan& s : r.steps) listed = listed || s.id == key.second;
    if (!listed) orphans.insert(orphans.end(), runs.begin(), runs.end());
  }
  if (!orphans.empty()) {
    out += "<ul class=\"tree\">";
    for (const RunSpan* child : orphans) tree_run(out, *child, children);
    out += "</ul>";
  }
  out += "</li>";
}

void tree(std::string& out, const Timeline& t) {
  Children children;
  for (const RunSpan& r : t.runs) {
    if (r.parent_run_id) children[{*r.parent_run_id, r.parent_step.value_or("")}].push_back(&r);
  }
  out += "<section id=\"tree\"><h2>Execution tree</h2>\n<ul class=\"tree top\">";
  if (!t.runs.empty()) tree_run(out, t.runs.front(), children);
  out += "</ul></section>\n";
}

void fan_outs(std::string& out, const Timeline& t) {
  std::map<std::string, const RunSpan*> by_id;
  for (const RunSpan& r : t.runs) by_id[r.run_id] = &r;
  out += "<section id=\"fan-outs\"><h2>Fan-outs</h2>\n";
  if (t.fan_outs.empty()) out += "<p class=\"dur\">This run fanned out no events.</p>\n";
  for (const FanOutInfo& f : t.fan_outs) {
    out += "<div class=\"fan\" id=\"fanout-" + e(f.run_id) + "-" + e(f.step_id) + "\"><dl>";
    out += "<dt>emitted by</dt><dd><a href=\"#run-" + e(f.run_id) + "\">" + e(f.repository) + ":" + e(f.workflow) +
           "</a> step <span class=\"mono\">" + e(f.step_id) + "</span></dd>";
    out += "<dt>event type</dt><dd class=\"mono event-type\">" + e(f.event_type) + "</dd>";
    out += "<dt>event id</dt><dd class=\"mono\">" + e(f.event_id) + "</dd>";
    out += "<dt>source</dt><dd class=\"mono\">" + e(f.source) + "</dd>";
    out += "<dt>fan-out id</dt><dd class=\"mono\">" + e(f.fan_out_id) + "</dd>";
    out += "<dt>wait for children</dt><dd>" + std::string(f.wait_for_children ? "yes" : "no");
    if (f.timeout) out += ", timeout " + e(*f.timeout);
    out += "</dd><dt>children</dt><dd>";
    if (f.children.empty()) out += "none";
    for (size_t i = 0; i < f.children.size(); ++i) {
      if (i > 0) out += ", ";
      auto c = by_id.find(f.children[i]);
      const std::string name = c == by_id.end() ? f.children[i] : run_name(*c->second);
      out += "<a href=\"#run-" + e(f.children[i]) + "\">" + e(name) + "</a>";
      if (c != by_id.end()) out += " " + status_badge(c->second->status);
    }
    out += "</dd>";
    if (!f.evaluation_errors.empty()) {
      out += "<dt>evaluation errors</dt><dd>";
      for (const std::string& err : f.evaluation_errors) out += "<div class=\"err\">" + e(err) + "</div>";
      out += "</dd>";
    }
    out += "</dl><pre class=\"payload\">" +
           e(f.payload.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)) + "</pre></div>\n";
  }
  out += "</section>\n";
}

}  // namespace

std::string render_html(const Timeline& t) {
  std::string out;
  out.reserve(8192 + t.runs.size() * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<meta name=\"generator\" content=\"tako " + e(kVersion) + "\">\n";
  out += "<title>tako report " + e(t.root_run_id) + "</title>\n";
  out += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  summary(out, t);
  gantt(out, t);
  tree(out, t);
  fan_outs(out, t);
  // The model for scripts and tests; escaped so that no value can close the element.
  out += "<script type=\"application/json\" id=\"tako-timeline\">" + script_safe_json(to_json(t)) + "</script>\n";
  out += "<script>" + std::string(kScript) + "</script>\n</body>\n</html>\n";
  return out;
}

}  // namespace tako::report
