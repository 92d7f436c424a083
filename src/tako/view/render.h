// The live view's renderer (docs/CLI.md "Live view"): a pure function of a snapshot, the
// terminal's width and the time, so that it is tested without a terminal.
//
//   exec-20240726-143022-a7b3c1d2 (release) [RUNNING] 4m10s  runs: 1/3 done, 1 running, 1 queued
//   └── my-org/go-lib [RUNNING] 4m10s
//       ├── ✓ build (12s)
//       ├── ● fan_out_to_dependents 3m58s
//       ├── my-org/app-one [RUNNING] 2m30s
//       │   └── ● run_tests 2m30s │ ok  pkg/foo 0.2s
//       └── my-org/app-two [PENDING] - waiting for: concurrency slot
//
// Run lines follow `tako status <id>` (§11.6); steps are listed under runs that are running
// (a finished run is one line). Every line is cut to `width` code points (`…` marks a cut);
// colour only adds SGR sequences around words, never changes the text.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tako/state/document.h"
#include "tako/view/snapshot.h"

namespace tako::view {

struct RenderOptions {
  int width = 80;      // columns; lines are cut to it (0: no cut)
  int max_lines = 0;   // 0: no limit; else the last line says how many were left out
  state::Timestamp now{};
  bool color = false;
};

// Lines without '\n'.
std::vector<std::string> render(const Snapshot& snapshot, const RenderOptions& opts);

// A duration as §11.6 rounds it: ≥ 1 s to whole seconds in Go's form (`2m30s`, `1h0m5s`),
// else milliseconds (`61ms`).
std::string format_duration(std::chrono::nanoseconds d);
// A running clock: whole seconds, counted down (`0s`, `59s`, `1m0s`), so it ticks once a second.
std::string format_elapsed(std::chrono::nanoseconds d);

// `s` cut to `width` code points (UTF-8), the last one replaced by `…` when cut.
std::string truncate_to_width(const std::string& s, int width);

}  // namespace tako::view
