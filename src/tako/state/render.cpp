#include "tako/state/render.h"

#include <algorithm>

#include "tako/util/go_duration.h"

namespace tako::state {

namespace {

constexpr const char* kRed = "\x1b[31m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kReset = "\x1b[0m";

std::string badge(DisplayStatus s, bool color) {
  std::string text = "[" + to_upper(s) + "]";
  if (!color) return text;
  if (s == DisplayStatus::Failed) return kRed + text + kReset;
  if (s == DisplayStatus::Completed) return kGreen + text + kReset;
  return text;
}

std::string rounded(std::chrono::nanoseconds d) {
  // Clamp hostile values (negative, or near INT64_MAX where rounding would overflow).
  constexpr std::chrono::nanoseconds kMax = std::chrono::hours(24 * 365 * 200);
  if (d.count() < 0) d = std::chrono::nanoseconds(0);
  if (d > kMax) d = kMax;
  return util::format_rounded_duration(d);
}

// a - b without overflow (saturating at 0 below, and at a large value above).
std::chrono::nanoseconds elapsed_since(Timestamp a, Timestamp b) {
  int64_t diff = 0;
  if (__builtin_sub_overflow(a.time_since_epoch().count(), b.time_since_epoch().count(), &diff)) {
    return a > b ? std::chrono::nanoseconds::max() : std::chrono::nanoseconds(0);
  }
  return std::chrono::nanoseconds(diff);
}

// Number of UTF-8 code points (continuation bytes not counted).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

std::string pending_reason(const RunNode& run, const RunNode* parent) {
  if (run.waiting_for && !run.waiting_for->empty()) return *run.waiting_for;
  if (parent && parent->status != RunStatus::Running) return "parent";
  return "concurrency slot";
}

void render_children(const RunNode& run, const std::string& prefix, const RenderOptions& opts, std::string& out) {
  size_t i = 0, n = run.children.size();
  for (const RunNode& child : run.children) {
    bool last = ++i == n;
    out += prefix;
    out += last ? "└── " : "├── ";
    out += render_run_line(child, &run, opts);
    out += '\n';
    render_children(child, prefix + (last ? "    " : "│   "), opts, out);
  }
}

}  // namespace

std::string error_summary(const std::string& error) {
  std::string line = error.substr(0, error.find('\n'));
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (width(line) <= 200) return line;
  // Cut after 199 code points.
  size_t points = 0, pos = 0;
  for (; pos < line.size(); ++pos) {
    if ((static_cast<unsigned char>(line[pos]) & 0xC0) != 0x80) {
      if (points == 199) break;
      ++points;
    }
  }
  return line.substr(0, pos) + "…";
}

std::string render_run_line(const RunNode& run, const RunNode* parent, const RenderOptions& opts) {
  DisplayStatus s = display_status(run, opts.owner_alive);
  std::string out = run.repository + " " + badge(s, opts.color);
  auto dur = run_duration(run);
  switch (s) {
    case DisplayStatus::Running:
      if (run.current_step) {
        out += " - step: " + *run.current_step;
        const StepNode* step = find_step(run, *run.current_step);
        if (step && step->start_time) out += " (" + rounded(elapsed_since(opts.now, *step->start_time)) + ")";
      }
      break;
    case DisplayStatus::Pending:
      out += " - waiting for: " + pending_reason(run, parent);
      break;
    case DisplayStatus::Completed:
      if (dur) out += " (" + rounded(*dur) + ")";
      break;
    case DisplayStatus::Failed:
      if (dur) out += " (" + rounded(*dur) + ")";
      if (run.error) out += " - " + error_summary(*run.error);
      break;
    case DisplayStatus::TimedOut:
      if (dur) out += " (" + rounded(*dur) + ")";
      out += " - timed out";
      break;
    case DisplayStatus::Cancelled:
      out += " - cancelled";
      break;
    case DisplayStatus::Interrupted:
      if (run.current_step) out += " - step: " + *run.current_step;
      break;
  }
  return out;
}

std::string render_tree(const StateDocument& doc, const RenderOptions& opts) {
  const RunNode& root = doc.root;
  std::string out = root.run_id + " (" + root.workflow + ") " +
                    badge(display_status(root, opts.owner_alive), opts.color) + "\n";
  out += "└── " + render_run_line(root, nullptr, opts) + "\n";
  render_children(root, "    ", opts, out);
  return out;
}

ListRow list_row(const StateDocument& doc, bool owner_alive) {
  const RunNode& r = doc.root;
  ListRow row;
  row.run_id = r.run_id;
  row.workflow = r.workflow;
  row.repository = r.repository;
  row.status = display_status(r, owner_alive);
  row.start_time = r.start_time;
  row.end_time = r.end_time;
  row.duration_ms = r.duration_ms;
  if (r.status != RunStatus::Running && r.status != RunStatus::Pending) row.duration = run_duration(r);
  return row;
}

void sort_rows(std::vector<ListRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ListRow& a, const ListRow& b) {
    if (a.start_time.has_value() != b.start_time.has_value()) return a.start_time.has_value();
    if (a.start_time && *a.start_time != *b.start_time) return *a.start_time > *b.start_time;
    return a.run_id > b.run_id;
  });
}

std::string render_table(const std::vector<ListRow>& rows) {
  if (rows.empty()) return "No runs found.\n";
  std::vector<std::vector<std::string>> cells;
  cells.push_back({"RUN ID", "WORKFLOW", "REPOSITORY", "STATUS", "STARTED", "DURATION"});
  for (const auto& r : rows) {
    cells.push_back({r.run_id, r.workflow, r.repository, std::string(to_string(r.status)),
                     r.start_time ? format_time_seconds(*r.start_time) : std::string(),
                     r.duration ? rounded(*r.duration) : std::string()});
  }
  std::vector<size_t> widths(6, 0);
  for (const auto& line : cells) {
    for (size_t c = 0; c < line.size(); ++c) widths[c] = std::max(widths[c], width(line[c]));
  }
  std::string out;
  for (const auto& line : cells) {
    std::string text;
    for (size_t c = 0; c < line.size(); ++c) {
      text += line[c];
      if (c + 1 < line.size()) text += std::string(widths[c] - width(line[c]) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text + "\n";
  }
  return out;
}

nlohmann::json rows_json(const std::vector<ListRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json j = nlohmann::json::object();
    j["run_id"] = r.run_id;
    j["workflow"] = r.workflow;
    j["repository"] = r.repository;
    j["status"] = to_string(r.status);
    j["start_time"] = r.start_time ? nlohmann::json(format_time(*r.start_time)) : nlohmann::json(nullptr);
    j["end_time"] = r.end_time ? nlohmann::json(format_time(*r.end_time)) : nlohmann::json(nullptr);
    if (r.duration_ms) {
      j["duration_ms"] = *r.duration_ms;
    } else if (r.duration) {
      j["duration_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(*r.duration).count();
    } else {
      j["duration_ms"] = nullptr;
    }
    out.push_back(std::move(j));
  }
  return out;
}

}  // namespace tako::state
