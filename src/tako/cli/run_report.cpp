#include "tako/cli/run_report.h"

#include <chrono>

#include "tako/util/go_duration.h"

namespace tako::cli {

namespace {

using Kind = engine::RepoOutcome::Kind;

int64_t millis(util::Nanos d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

nlohmann::json nullable(const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); }

nlohmann::json document(const std::string& command, const std::vector<engine::RepoOutcome>& repos, bool planned) {
  int ok = 0, failed = 0, skipped = 0, not_started = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : repos) {
    nlohmann::json j;
    j["name"] = r.name;
    j["path"] = r.path;
    if (planned) {
      j["status"] = "planned";
      list.push_back(std::move(j));
      continue;
    }
    switch (r.kind) {
      case Kind::Succeeded: ++ok; break;
      case Kind::Failed: ++failed; break;
      case Kind::Skipped: ++skipped; break;
      case Kind::NotStarted: ++not_started; break;
    }
    j["status"] = engine::to_string(r.kind);
    j["exit_code"] = r.exit_code ? nlohmann::json(*r.exit_code) : nlohmann::json(nullptr);
    j["signal"] = r.signal > 0 ? nlohmann::json(r.signal) : nlohmann::json(nullptr);
    j["error"] = nullable(r.error);
    j["skipped_because"] = nullable(r.skipped_because);
    j["duration_ms"] = millis(r.duration);
    list.push_back(std::move(j));
  }
  nlohmann::json doc;
  doc["command"] = command;
  doc["repositories"] = std::move(list);
  if (planned) {
    doc["dry_run"] = true;
    return doc;
  }
  doc["success"] = failed == 0;
  doc["summary"] = {{"succeeded", ok},
                    {"failed", failed},
                    {"skipped", skipped},
                    {"not_started", not_started},
                    {"total", ok + failed + skipped + not_started}};
  return doc;
}

}  // namespace

nlohmann::json run_json(const std::string& command, const engine::CommandRunResult& result) {
  nlohmann::json doc = document(command, result.repos, false);
  doc["duration_ms"] = millis(result.elapsed);
  return doc;
}

nlohmann::json dry_run_json(const std::string& command, const std::vector<engine::RepoOutcome>& planned) {
  return document(command, planned, true);
}

std::string failure_recap(const engine::CommandRunResult& result) {
  int ok = 0, failed = 0, skipped = 0;
  std::vector<std::string> failures;
  for (const auto& r : result.repos) {
    if (r.kind == Kind::Succeeded) {
      ++ok;
    } else if (r.kind == Kind::Failed) {
      ++failed;
      std::string line = r.name + " (" + r.error;
      if (r.exit_code || r.signal > 0) line += " after " + util::format_go_duration(r.duration);
      failures.push_back(line + ")");
    } else {
      ++skipped;
    }
  }
  if (failures.empty()) return "";
  std::string out = " Repositories:  " + std::to_string(ok) + " succeeded, " + std::to_string(failed) + " failed, " +
                    std::to_string(skipped) + " skipped, " + std::to_string(ok + failed + skipped) + " total\n";
  out += "         Time:  " + util::format_go_duration(result.elapsed) + "\n";
  for (size_t i = 0; i < failures.size(); ++i) {
    out += std::string(i == 0 ? "       Failed:  " : "                ") + failures[i] + "\n";
  }
  return out;
}

}  // namespace tako::cli
