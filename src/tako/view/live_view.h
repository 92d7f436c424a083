// The live tree of an execution (docs/CLI.md "Live view"). `tako exec` runs it on a thread of
// its own process; `tako status --watch` follows a tree from another terminal. Both read the
// tree from the store (the source of truth) with a SnapshotReader, render it and draw it on a
// LiveArea, at most 10 times a second.
#pragma once

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "tako/util/result.h"
#include "tako/view/render.h"
#include "tako/view/snapshot_reader.h"
#include "tako/view/terminal.h"

namespace tako::view {

struct ViewOptions {
  bool color = false;
  int fd = STDOUT_FILENO;  // the terminal drawn on
  std::chrono::milliseconds interval{100};
};

// The render options for the terminal on `fd` now (its width less one column, so that no
// line wraps; its height less one row, so that the frame never scrolls off the screen).
RenderOptions frame_options(const ViewOptions& opts);

class LiveView {
 public:
  // Opens the reader, installs the console sink (lines printed meanwhile go above the view)
  // and starts drawing. Errors: those of SnapshotReader::open.
  static Result<std::unique_ptr<LiveView>> start(const std::string& home, const std::string& run_id,
                                                 const ViewOptions& opts);
  ~LiveView();
  LiveView(const LiveView&) = delete;
  LiveView& operator=(const LiveView&) = delete;

  // Stops drawing, erases the view and removes the console sink (the summary follows).
  void stop();

 private:
  LiveView(SnapshotReader reader, const ViewOptions& opts);
  void loop();

  SnapshotReader reader_;
  ViewOptions opts_;
  LiveArea area_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// `tako status --watch`: reads the tree every interval and draws it on `area` (when given)
// until the tree has ended (its root finished, or its owner gone); returns the last snapshot.
// `wake_fd` (e.g. proc::InterruptGuard::fd()), when readable, ends the watch early with the
// error `interrupted`.
Result<Snapshot> follow(SnapshotReader& reader, LiveArea* area, const ViewOptions& opts, int wake_fd = -1);

}  // namespace tako::view
