#include "tako/engine/summary.h"

#include <deque>

#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

const char* kCheck = "\xE2\x9C\x93";  // ✓
const char* kCross = "\xE2\x9C\x97";  // ✗

std::string paint(const std::string& mark, bool ok, bool color) {
  if (!color) return mark;
  return std::string(ok ? "\x1b[32m" : "\x1b[31m") + mark + "\x1b[0m";
}

std::string dur(const std::optional<std::chrono::nanoseconds>& d) {
  return util::format_go_duration(d.value_or(std::chrono::nanoseconds(0)));
}

std::string step_line(const state::StepNode& s, const SummaryStyle& st) {
  if (st.dry_run) return paint(kCheck, true, st.color) + " " + s.id + " (0s)";
  const std::string tag = s.on_failure_of ? " [on_failure]" : "";
  switch (s.status) {
    case state::StepStatus::Skipped:
      return "- " + s.id + " (skipped)";
    case state::StepStatus::Completed:
      if (s.cached) return paint(kCheck, true, st.color) + " " + s.id + tag + " (cached)";
      return paint(kCheck, true, st.color) + " " + s.id + tag + " (" + dur(state::step_duration(s)) + ")";
    default:
      return paint(kCross, false, st.color) + " " + s.id + tag + " (" + dur(state::step_duration(s)) + ")";
  }
}

std::string run_line(const state::RunNode& r, const SummaryStyle& st) {
  const std::string name = r.repository + ":" + r.workflow;
  if (!r.start_time) return "- " + name + " (not run)";
  const std::string d = dur(state::run_duration(r));
  switch (r.status) {
    case state::RunStatus::Completed:
      return paint(kCheck, true, st.color) + " " + name + " (" + d + ")";
    case state::RunStatus::TimedOut:
      return paint(kCross, false, st.color) + " " + name + " (" + d + ", timed out)";
    default:
      return paint(kCross, false, st.color) + " " + name + " (" + d + ")";
  }
}

const state::RunNode* child_by_id(const state::RunNode& run, const std::string& id) {
  for (const auto& c : run.children) {
    if (c.run_id == id) return &c;
  }
  return nullptr;
}

void render_children(const state::RunNode& owner, const state::StepNode& step, const std::string& prefix,
                     const SummaryStyle& st, std::string& out);

// The steps of `run` as tree children under `prefix`.
void render_run_steps(const state::RunNode& run, const std::string& prefix, const SummaryStyle& st,
                      std::string& out) {
  std::vector<const state::StepNode*> shown;
  for (const auto& s : run.steps) {
    if (s.status != state::StepStatus::Pending) shown.push_back(&s);
  }
  for (size_t i = 0; i < shown.size(); ++i) {
    bool last = i + 1 == shown.size();
    out += prefix + (last ? "\xE2\x94\x94\xE2\x94\x80\xE2\x94\x80 " : "\xE2\x94\x9C\xE2\x94\x80\xE2\x94\x80 ") +
           step_line(*shown[i], st) + "\n";
    render_children(run, *shown[i], prefix + (last ? "    " : "\xE2\x94\x82   "), st, out);
  }
}

void render_children(const state::RunNode& owner, const state::StepNode& step, const std::string& prefix,
                     const SummaryStyle& st, std::string& out) {
  if (!step.fan_out) return;
  std::vector<const state::RunNode*> kids;
  for (const auto& id : step.fan_out->children) {
    if (const state::RunNode* c = child_by_id(owner, id)) kids.push_back(c);
  }
  for (size_t i = 0; i < kids.size(); ++i) {
    bool last = i + 1 == kids.size();
    out += prefix + (last ? "\xE2\x94\x94\xE2\x94\x80\xE2\x94\x80 " : "\xE2\x94\x9C\xE2\x94\x80\xE2\x94\x80 ") +
           run_line(*kids[i], st) + "\n";
    render_run_steps(*kids[i], prefix + (last ? "    " : "\xE2\x94\x82   "), st, out);
  }
}

void collect_failure_logs(const state::RunNode& run, std::string& out) {
  for (const auto& s : run.steps) {
    if (s.status == state::StepStatus::Failed && !s.log.empty()) {
      auto text = util::read_file(run.workspace + "/" + s.log);
      if (text && !text->empty()) {
        std::deque<std::string> lines;
        for (auto& l : util::split(*text, '\n')) lines.push_back(std::move(l));
        if (!lines.empty() && lines.back().empty()) lines.pop_back();
        while (lines.size() > 20) lines.pop_front();
        if (!lines.empty()) {
          out += "--- last " + std::to_string(lines.size()) + " lines of step '" + s.id + "' (" + run.repository +
                 ") ---\n";
          for (const auto& l : lines) out += l + "\n";
          out += "---\n";
        }
      }
    }
    if (s.fan_out) {
      for (const auto& id : s.fan_out->children) {
        if (const state::RunNode* c = child_by_id(run, id)) collect_failure_logs(*c, out);
      }
    }
  }
}

}  // namespace

std::string render_summary(const state::RunNode& root, bool success, const std::string& duration,
                           const SummaryStyle& st) {
  std::string out = "Execution completed: " + root.run_id + "\n";
  out += std::string("Success: ") + (success ? "true" : "false") + "\n";
  out += "Duration: " + duration + "\n\n";
  std::string lines;
  int count = 0;
  for (const auto& s : root.steps) {
    if (s.status == state::StepStatus::Pending && !st.dry_run) continue;
    ++count;
    lines += "  " + step_line(s, st) + "\n";
    render_children(root, s, "    ", st, lines);
  }
  out += "Steps executed: " + std::to_string(count) + "\n" + lines;
  return out;
}

std::string render_failure_logs(const state::RunNode& root) {
  std::string out;
  collect_failure_logs(root, out);
  return out;
}

}  // namespace tako::engine
