// The timeline model of one execution tree (docs/REPORT.md): every run, step and wait as an
// interval in microseconds from the tree's first recorded moment, with the track it is drawn on.
// Built from data only (the run document and the history rows of the store); the trace and the
// HTML page are renderings of it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/store/query.h"

namespace tako::report {

// Why a run waited, from the reason the store recorded (`waiting_for`, REFERENCE.md §11.6).
enum class WaitKind { Queue, Lock, Parent, Other };
// "queue", "lock", "parent", "other".
std::string_view to_string(WaitKind k);
// "concurrency slot" → Queue, "lock on <repository>" → Lock, "parent" → Parent, else Other.
WaitKind wait_kind(std::string_view reason);

// Times are microseconds since Timeline::origin; end >= start always.
struct WaitSpan {
  std::string reason;  // as recorded, e.g. "concurrency slot", "lock on o/b"
  WaitKind kind = WaitKind::Other;
  int64_t start_us = 0;
  int64_t end_us = 0;
  int track = 0;  // wait tracks are separate from slot tracks (a queued run holds no slot)
};

struct StepSpan {
  std::string id;
  std::string kind;  // run, container, uses
  std::optional<std::string> uses;
  std::string status;
  std::optional<std::string> on_failure_of;
  std::optional<int64_t> exit_code;
  std::optional<std::string> error;
  bool cached = false;
  // False for a step that never started (skipped, pending): a zero-length span where it would
  // have run (after the previous step).
  bool started = false;
  // Clamped into the run's span and after the previous step, so that steps nest in their run.
  int64_t start_us = 0;
  int64_t end_us = 0;
  std::optional<int64_t> duration_ms;  // as recorded
  bool has_fan_out = false;
};

struct RunSpan {
  std::string run_id;
  std::optional<std::string> parent_run_id;
  std::optional<std::string> parent_step;
  std::string repository;
  std::string workflow;
  std::string status;
  std::optional<std::string> error;
  int depth = 0;
  // False for a run that never started (cancelled or failed while queued): a zero-length span at
  // the end of its wait.
  bool started = false;
  bool open = false;  // no end recorded yet: the span ends at the `now` given to build_timeline
  int64_t start_us = 0;
  int64_t end_us = 0;
  std::optional<int64_t> duration_ms;  // as recorded
  int slot = 0;                        // the concurrency-slot track (greedy partitioning)
  std::vector<StepSpan> steps;         // start order
  std::vector<WaitSpan> waits;         // time order
};

// The event of one fan-out step.
struct FanOutInfo {
  std::string run_id;  // the run whose step fanned out
  std::string step_id;
  std::string repository;
  std::string workflow;
  std::string fan_out_id;
  std::string event_id;
  std::string event_type;
  std::string source;
  nlohmann::json payload = nlohmann::json::object();
  bool wait_for_children = false;
  std::optional<std::string> timeout;
  std::vector<std::string> children;  // run ids, trigger order
  std::vector<std::string> evaluation_errors;
};

struct Timeline {
  std::string root_run_id;
  std::string root_workflow;
  std::string root_status;
  state::Timestamp origin{};  // the earliest time recorded for the tree
  int64_t end_us = 0;         // the latest end of any span
  std::vector<RunSpan> runs;  // depth-first pre-order (a run, then its children in trigger order)
  std::vector<FanOutInfo> fan_outs;  // in the order of `runs`, then of steps
  int slot_count = 0;
  int wait_track_count = 0;
};

// The model of `doc`. `history` is the tree's history (store::tree_history), in commit order: it
// gives each child's creation and the reasons it waited (run_waiting rows). `now` ends the spans
// of runs and steps still running. Pure: no clock, no I/O.
Timeline build_timeline(const state::StateDocument& doc, const std::vector<store::HistoryEntry>& history,
                        state::Timestamp now);

// The model as JSON (the data block of the HTML page): times in microseconds.
nlohmann::json to_json(const Timeline& t);

}  // namespace tako::report
