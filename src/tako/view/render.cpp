#include "tako/view/render.h"

#include <cstdint>
#include <string_view>

#include "tako/state/render.h"

namespace tako::view {

namespace {

using state::RunStatus;
using state::StepStatus;

// SGR colours (REFERENCE.md §1.1 conventions: red failures, green success).
constexpr const char* kRed = "31";
constexpr const char* kGreen = "32";
constexpr const char* kYellow = "33";
constexpr const char* kDim = "2";

// One line as segments of text with an optional colour, so that a line can be cut to the
// terminal's width by its visible text and coloured after.
struct Segment {
  std::string text;
  const char* sgr = nullptr;
};
using Line = std::vector<Segment>;

bool continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += continuation(static_cast<unsigned char>(c)) ? 0 : 1;
  return n;
}

// Byte length of the first `n` code points of `s`.
size_t prefix_bytes(std::string_view s, size_t n) {
  size_t i = 0;
  while (i < s.size()) {
    if (!continuation(static_cast<unsigned char>(s[i]))) {
      if (n == 0) break;
      --n;
    }
    ++i;
  }
  return i;
}

std::string finish(const Line& line, int width, bool color) {
  size_t budget = width > 0 ? size_t(width) : SIZE_MAX;
  size_t total = 0;
  for (const Segment& s : line) total += code_points(s.text);
  const bool cut = total > budget;
  if (cut) budget = budget == 0 ? 0 : budget - 1;  // room for the ellipsis
  std::string out;
  for (const Segment& s : line) {
    if (cut && budget == 0) break;
    std::string_view text = s.text;
    size_t n = code_points(text);
    if (cut && n > budget) {
      text = text.substr(0, prefix_bytes(text, budget));
      n = budget;
    }
    if (cut) budget -= n;
    if (text.empty()) continue;
    if (color && s.sgr != nullptr) {
      out += "\x1b[";
      out += s.sgr;
      out += 'm';
      out += text;
      out += "\x1b[0m";
    } else {
      out += text;
    }
  }
  if (cut && width > 0) out += "\xE2\x80\xA6";
  return out;
}

std::chrono::nanoseconds between(const state::OptTime& from, const state::OptTime& to, state::Timestamp now) {
  if (!from) return std::chrono::nanoseconds(0);
  auto end = to ? *to : now;
  return end > *from ? end - *from : std::chrono::nanoseconds(0);
}

const char* run_colour(const RunView& r) {
  if (r.interrupted) return kRed;
  switch (r.status) {
    case RunStatus::Running: return kYellow;
    case RunStatus::Completed: return kGreen;
    case RunStatus::Pending: return kDim;
    default: return kRed;
  }
}

std::string run_label(const RunView& r) {
  if (r.interrupted) return "[INTERRUPTED]";
  switch (r.status) {
    case RunStatus::Pending: return "[PENDING]";
    case RunStatus::Running: return "[RUNNING]";
    case RunStatus::Completed: return "[COMPLETED]";
    case RunStatus::Failed: return "[FAILED]";
    case RunStatus::TimedOut: return "[TIMED_OUT]";
    case RunStatus::Cancelled: return "[CANCELLED]";
  }
  return "";
}

// §11.6: without a recorded reason, a pending run waits for its parent when the parent is not
// running, else for a concurrency slot.
std::string waiting_reason(const RunView& r, const RunView* parent) {
  if (r.waiting_for) return *r.waiting_for;
  if (parent != nullptr && parent->status != RunStatus::Running) return "parent";
  return "concurrency slot";
}

Line run_line(const std::string& prefix, const RunView& r, const RunView* parent, state::Timestamp now) {
  Line l{{prefix}, {r.repository + " "}, {run_label(r), run_colour(r)}};
  if (r.interrupted) return l;
  switch (r.status) {
    case RunStatus::Pending: l.push_back({" - waiting for: " + waiting_reason(r, parent), kDim}); break;
    case RunStatus::Running: l.push_back({" " + format_elapsed(between(r.start_time, std::nullopt, now))}); break;
    case RunStatus::Completed: l.push_back({" (" + format_duration(between(r.start_time, r.end_time, now)) + ")"}); break;
    case RunStatus::Failed:
      l.push_back({" (" + format_duration(between(r.start_time, r.end_time, now)) + ")"});
      if (r.error) l.push_back({" - " + state::error_summary(*r.error), kRed});
      break;
    case RunStatus::TimedOut:
      l.push_back({" (" + format_duration(between(r.start_time, r.end_time, now)) + ") - timed out"});
      break;
    case RunStatus::Cancelled: l.push_back({" - cancelled"}); break;
  }
  return l;
}

Line step_line(const std::string& prefix, const StepView& s, state::Timestamp now) {
  switch (s.status) {
    case StepStatus::Running: {
      Line l{{prefix}, {"\xE2\x97\x8F ", kYellow}, {s.id + " " + format_elapsed(between(s.start_time, std::nullopt, now))}};
      if (!s.last_line.empty()) l.push_back({" \xE2\x94\x82 " + s.last_line, kDim});
      return l;
    }
    case StepStatus::Completed:
      return {{prefix}, {"\xE2\x9C\x93 ", kGreen}, {s.id + " (" + format_duration(between(s.start_time, s.end_time, now)) + ")"}};
    case StepStatus::Failed:
      return {{prefix}, {"\xE2\x9C\x97 ", kRed}, {s.id + " (" + format_duration(between(s.start_time, s.end_time, now)) + ")"}, {" failed", kRed}};
    case StepStatus::Skipped: return {{prefix}, {"- ", kDim}, {s.id + " skipped", kDim}};
    case StepStatus::Cancelled: return {{prefix}, {"- ", kDim}, {s.id + " cancelled", kDim}};
    case StepStatus::Pending: return {{prefix}, {"\xE2\x97\x8B ", kDim}, {s.id, kDim}};
  }
  return {};
}

// Children of one run line: its steps while it runs, then its child runs (§5.4 tree rules).
void walk(const RunView& run, const std::string& indent, state::Timestamp now, std::vector<Line>& out) {
  const bool show_steps = run.status == RunStatus::Running && !run.interrupted;
  size_t n = (show_steps ? run.steps.size() : 0) + run.children.size();
  size_t i = 0;
  auto branch = [&]() { return ++i == n ? "\xE2\x94\x94\xE2\x94\x80\xE2\x94\x80 " : "\xE2\x94\x9C\xE2\x94\x80\xE2\x94\x80 "; };
  auto below = [&]() { return i == n ? "    " : "\xE2\x94\x82   "; };
  if (show_steps) {
    for (const StepView& s : run.steps) out.push_back(step_line(indent + branch(), s, now));
  }
  for (const RunView& c : run.children) {
    out.push_back(run_line(indent + branch(), c, &run, now));
    walk(c, indent + below(), now, out);
  }
}

Line header(const Snapshot& s, state::Timestamp now) {
  const RunView& r = s.root;
  Line l{{r.run_id + " (" + r.workflow + ") "}, {run_label(r), run_colour(r)}};
  if (r.status == RunStatus::Running && !r.interrupted) {
    l.push_back({" " + format_elapsed(between(r.start_time, std::nullopt, now))});
  }
  RunCounts c = count_runs(r);
  if (c.total > 1) {
    std::string text = "  runs: " + std::to_string(c.completed + c.failed) + "/" + std::to_string(c.total) + " done";
    if (c.running > 0) text += ", " + std::to_string(c.running) + " running";
    if (c.pending > 0) text += ", " + std::to_string(c.pending) + " queued";
    l.push_back({text, kDim});
    if (c.failed > 0) l.push_back({", " + std::to_string(c.failed) + " failed", kRed});
  }
  return l;
}

}  // namespace

std::string format_duration(std::chrono::nanoseconds d) {
  using namespace std::chrono;
  if (d < seconds(1)) return std::to_string(duration_cast<milliseconds>(d + microseconds(500)).count()) + "ms";
  return format_elapsed(duration_cast<seconds>(d + milliseconds(500)));
}

std::string format_elapsed(std::chrono::nanoseconds d) {
  int64_t s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
  if (s < 0) s = 0;
  std::string out;
  if (s >= 3600) out += std::to_string(s / 3600) + "h";
  if (s >= 60) out += std::to_string(s / 60 % 60) + "m";
  out += std::to_string(s % 60) + "s";
  return out;
}

std::string truncate_to_width(const std::string& s, int width) { return finish({{s}}, width, false); }

std::vector<std::string> render(const Snapshot& snapshot, const RenderOptions& opts) {
  std::vector<Line> lines;
  lines.push_back(header(snapshot, opts.now));
  lines.push_back(run_line("\xE2\x94\x94\xE2\x94\x80\xE2\x94\x80 ", snapshot.root, nullptr, opts.now));
  walk(snapshot.root, "    ", opts.now, lines);
  size_t keep = lines.size();
  if (opts.max_lines > 0 && lines.size() > size_t(opts.max_lines)) keep = size_t(opts.max_lines > 1 ? opts.max_lines - 1 : 0);
  std::vector<std::string> out;
  out.reserve(keep + 1);
  for (size_t i = 0; i < keep; ++i) out.push_back(finish(lines[i], opts.width, opts.color));
  if (keep < lines.size()) {
    out.push_back(finish({{"\xE2\x80\xA6 " + std::to_string(lines.size() - keep) + " more lines", kDim}}, opts.width, opts.color));
  }
  return out;
}

}  // namespace tako::view
