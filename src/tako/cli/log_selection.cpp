#include "tako/cli/log_selection.h"

#include <algorithm>

#include "tako/util/strings.h"

namespace tako::cli {

namespace {

bool repository_matches(const state::RunNode& run, const LogFilter& f) {
  return !f.repository || util::iequals(run.repository, *f.repository);
}

// The run's workspace relative to the root's ("" for the root): child workspaces are
// <parent workspace>/children/<id> (§2); a recorded path outside the root's is used as is
// relative to nothing, which only a hand-edited store holds.
std::string relative_workspace(const state::RunNode& root, const state::RunNode& run) {
  if (run.workspace == root.workspace) return "";
  const std::string prefix = root.workspace + "/";
  if (run.workspace.compare(0, prefix.size(), prefix) == 0) return run.workspace.substr(prefix.size()) + "/";
  return "";
}

}  // namespace

LogFilter parse_log_filter(const std::string& arg) {
  LogFilter f;
  const auto colon = arg.find(':');
  f.repository = arg.substr(0, colon);
  if (colon != std::string::npos) f.step = arg.substr(colon + 1);
  return f;
}

std::vector<LogEntry> select_logs(const state::StateDocument& doc, const LogFilter& filter) {
  struct Keyed {
    state::Timestamp start;
    LogEntry entry;
  };
  std::vector<Keyed> found;
  state::for_each_run(doc.root, [&](const state::RunNode& run, const state::RunNode*) {
    if (!repository_matches(run, filter)) return;
    const std::string base = relative_workspace(doc.root, run);
    for (const state::StepNode& s : run.steps) {
      if (!s.start_time || s.log.empty()) continue;
      if (filter.step && s.id != *filter.step) continue;
      LogEntry e;
      e.run_id = run.run_id;
      e.step_id = s.id;
      e.label = run.repository + " " + s.id;
      e.rel_path = base + s.log;
      e.finished = s.status != state::StepStatus::Running && s.status != state::StepStatus::Pending;
      found.push_back({*s.start_time, std::move(e)});
    }
  });
  std::stable_sort(found.begin(), found.end(), [](const Keyed& a, const Keyed& b) { return a.start < b.start; });
  std::vector<LogEntry> out;
  out.reserve(found.size());
  for (auto& k : found) out.push_back(std::move(k.entry));
  return out;
}

std::optional<std::string> filter_error(const state::StateDocument& doc, const LogFilter& filter) {
  if (!filter.repository) return std::nullopt;
  bool repo_found = false;
  bool step_found = false;
  state::for_each_run(doc.root, [&](const state::RunNode& run, const state::RunNode*) {
    if (!repository_matches(run, filter)) return;
    repo_found = true;
    for (const state::StepNode& s : run.steps) {
      if (filter.step && s.id == *filter.step) step_found = true;
    }
  });
  const std::string id = doc.root.run_id;
  if (!repo_found) return "repository '" + *filter.repository + "' is not in run " + id;
  if (filter.step && !step_found) {
    return "step '" + *filter.step + "' of " + *filter.repository + " is not in run " + id;
  }
  return std::nullopt;
}

}  // namespace tako::cli
