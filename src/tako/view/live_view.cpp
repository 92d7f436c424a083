#include "tako/view/live_view.h"

#include <poll.h>

#include "tako/util/console.h"
#include "tako/view/render.h"

namespace tako::view {

RenderOptions frame_options(const ViewOptions& opts) {
  RenderOptions r;
  r.width = terminal_width(opts.fd) - 1;
  r.max_lines = terminal_height(opts.fd) - 1;
  r.now = state::now();
  r.color = opts.color;
  return r;
}

LiveView::LiveView(SnapshotReader reader, const ViewOptions& opts)
    : reader_(std::move(reader)), opts_(opts), area_(opts.fd, opts.interval) {}

Result<std::unique_ptr<LiveView>> LiveView::start(const std::string& home, const std::string& run_id,
                                                  const ViewOptions& opts) {
  auto reader = SnapshotReader::open(home, run_id);
  if (!reader) return reader.error();
  std::unique_ptr<LiveView> v(new LiveView(std::move(*reader), opts));
  LiveArea* area = &v->area_;
  util::set_console_sink([area](int fd, std::string_view text) { area->print_above(fd, text); });
  v->thread_ = std::thread([p = v.get()] { p->loop(); });
  return v;
}

LiveView::~LiveView() { stop(); }

void LiveView::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_ && !thread_.joinable()) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  util::set_console_sink(nullptr);
  area_.clear();
}

void LiveView::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    lock.unlock();
    // The tree's own tako is its owner: no liveness probe. A failed read keeps the last frame
    // (the engine reports store errors itself).
    // Not forced: a redraw after a printed line counts towards the 10 a second too.
    if (auto snap = reader_.read(false)) area_.draw(render(*snap, frame_options(opts_)));
    lock.lock();
    cv_.wait_for(lock, opts_.interval, [this] { return stop_; });
  }
}

Result<Snapshot> follow(SnapshotReader& reader, LiveArea* area, const ViewOptions& opts, int wake_fd) {
  for (;;) {
    auto snap = reader.read(true);
    if (!snap) return snap.error();
    if (!tree_active(*snap)) return snap;
    if (area != nullptr) area->draw(render(*snap, frame_options(opts)), true);
    // The poll period (the store has no change notification across processes).
    struct pollfd p {wake_fd, POLLIN, 0};
    int n = ::poll(&p, wake_fd >= 0 ? 1 : 0, int(opts.interval.count()));
    if (n > 0) return Error{"interrupted"};
  }
}

}  // namespace tako::view
