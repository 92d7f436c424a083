// The state document of one execution tree (REFERENCE.md §11.1) as plain value types,
// with strict JSON conversion and tree helpers.
//
// Field names, null-ness and value sets follow §11.1 exactly. Everything here is
// a simple value type: the workflow engine mutates these structs directly (under
// the StateStore lock, see store.h) and asks the store to persist them.
//
// Node stability: `RunNode::children` and `RunNode::steps` are std::list, so a
// RunNode& / StepNode& stays valid while other nodes are appended anywhere in the
// tree (a fan-out adding a child while sibling runs on other threads hold their
// own node). Nodes are never erased by the engine; copying a document deep-copies.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/util/result.h"

namespace tako::state {

// RFC 3339 UTC time with nanosecond precision.
using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;
using OptTime = std::optional<Timestamp>;

inline constexpr int kFormatVersion = 1;

enum class RunStatus { Pending, Running, Completed, Failed, TimedOut, Cancelled };
enum class StepStatus { Pending, Running, Completed, Failed, Skipped, Cancelled };
enum class StepKind { Run, Container, Uses };
enum class Isolation { Shared, Worktree };

// Lowercase JSON spellings ("timed_out", ...).
std::string_view to_string(RunStatus s);
std::string_view to_string(StepStatus s);
std::string_view to_string(StepKind k);
std::string_view to_string(Isolation i);
std::optional<RunStatus> parse_run_status(std::string_view s);
std::optional<StepStatus> parse_step_status(std::string_view s);
std::optional<StepKind> parse_step_kind(std::string_view s);
std::optional<Isolation> parse_isolation(std::string_view s);

// §10.2.
struct EventRecord {
  std::string id;               // evt-<16 hex>
  std::string type;
  std::string namespaced_type;  // <source>/<type>
  std::string schema_version;   // may be empty
  std::string source;           // owner/repo
  std::string artifact;
  nlohmann::json payload = nlohmann::json::object();  // always an object
  Timestamp timestamp{};

  bool operator==(const EventRecord&) const = default;
};

// `fan_out` of a fan-out step.
struct FanOutRecord {
  std::string fan_out_id;  // fanout-<16 hex>
  EventRecord event;
  bool wait_for_children = false;
  std::optional<std::string> timeout;  // as written ("30m"), null = none
  std::vector<std::string> children;   // child run ids in trigger order
  std::vector<std::string> evaluation_errors;
  // The repository each evaluation error concerns (null: none), index for index: a resume
  // retries those repositories against the configs as they are then (§11.4). Kept in the
  // store only; not part of the exported run document.
  std::vector<std::optional<std::string>> error_repositories;

  bool operator==(const FanOutRecord&) const = default;
};

struct StepNode {
  std::string id;
  StepKind kind = StepKind::Run;
  std::optional<std::string> uses;           // "tako/fan-out@v1" for kind Uses
  StepStatus status = StepStatus::Pending;
  std::optional<std::string> on_failure_of;  // id of the step whose failure ran this one
  OptTime start_time;
  OptTime end_time;
  std::optional<int64_t> duration_ms;
  std::optional<int64_t> exit_code;
  std::optional<std::string> error;
  std::map<std::string, std::string> outputs;
  bool cached = false;
  bool long_running = false;
  std::string log;  // path relative to the run workspace, e.g. "logs/build.log"
  std::vector<EventRecord> events;
  std::optional<FanOutRecord> fan_out;

  bool operator==(const StepNode&) const = default;
};

struct RunNode {
  std::string run_id;
  std::optional<std::string> parent_run_id;
  std::optional<std::string> parent_step;
  std::optional<std::string> key;  // "<fingerprint>:<repo>:<workflow>"
  std::string repository;          // identity as displayed
  std::string path;                // checkout path
  std::string workflow;
  RunStatus status = RunStatus::Pending;
  int depth = 0;
  Isolation isolation = Isolation::Shared;
  std::string workspace;
  std::optional<std::string> worktree;
  nlohmann::json inputs = nlohmann::json::object();  // typed values; always an object
  std::map<std::string, std::string> cli_inputs;     // root only; {} for child runs
  std::optional<EventRecord> event;                  // child runs only
  OptTime start_time;
  OptTime end_time;
  std::optional<int64_t> duration_ms;
  std::optional<std::string> error;
  std::optional<std::string> current_step;
  // (dev choice, not in §11.1's list) why a `pending` run waits: "concurrency slot",
  // "lock on <repository>" or "parent"; written as "waiting_for", optional on load.
  std::optional<std::string> waiting_for;
  std::list<StepNode> steps;    // start order
  std::list<RunNode> children;  // trigger order

  bool operator==(const RunNode&) const = default;
};

struct StateDocument {
  int format_version = kFormatVersion;
  std::string tako_version;
  Timestamp updated_at{};
  int64_t pid = 0;
  std::string hostname;
  RunNode root;

  bool operator==(const StateDocument&) const = default;
};

// ---- time -----------------------------------------------------------------

Timestamp now();
// Go's RFC3339Nano in UTC: "2025-07-15T12:00:00.123456Z" (trailing zeros of the
// fraction removed, no fraction when zero).
std::string format_time(Timestamp t);
// The same into `buf` (at least 32 bytes); returns the length.
size_t format_time_to(Timestamp t, char* buf);
// Accepts RFC 3339 with 0-9 fraction digits and "Z" or "±hh:mm"; converts to UTC.
// Error: "invalid time \"<s>\"".
Result<Timestamp> parse_time(std::string_view s);
// "YYYY-MM-DDTHH:MM:SSZ" (the STARTED column of `tako status`).
std::string format_time_seconds(Timestamp t);

// ---- JSON -------------------------------------------------------------------

// The document as JSON without `checksum` (nlohmann objects keep keys sorted).
nlohmann::json to_json(const StateDocument& doc);
nlohmann::json to_json(const RunNode& run);  // also the "run" of `exec --json`
nlohmann::json to_json(const StepNode& step);
nlohmann::json to_json(const EventRecord& event);

// Strict conversion: every §11.1 member must be present with the right type and
// value set (extra members are ignored; "checksum" is not looked at). Errors name the
// JSON path: "root.children[0].steps[2].status: expected one of pending, running, ...".
// Never throws.
Result<StateDocument> document_from_json(const nlohmann::json& j);
Result<RunNode> run_from_json(const nlohmann::json& j);
Result<EventRecord> event_from_json(const nlohmann::json& j);

// ---- tree helpers -------------------------------------------------------------

RunNode* find_run(RunNode& root, std::string_view run_id);
const RunNode* find_run(const RunNode& root, std::string_view run_id);
// The run whose `children` hold `run_id`; nullptr for the root or an unknown id.
RunNode* find_parent(RunNode& root, std::string_view run_id);
const RunNode* find_parent(const RunNode& root, std::string_view run_id);
StepNode* find_step(RunNode& run, std::string_view step_id);
const StepNode* find_step(const RunNode& run, std::string_view step_id);

// Depth-first pre-order (a run, then its children in trigger order). `parent` is
// nullptr for the root.
void for_each_run(RunNode& root, const std::function<void(RunNode& run, RunNode* parent)>& fn);
void for_each_run(const RunNode& root, const std::function<void(const RunNode& run, const RunNode* parent)>& fn);
std::size_t count_runs(const RunNode& root);

// Elapsed time of a run or step: end - start when both are known, else duration_ms,
// else nullopt.
std::optional<std::chrono::nanoseconds> run_duration(const RunNode& run);
std::optional<std::chrono::nanoseconds> step_duration(const StepNode& step);

}  // namespace tako::state
