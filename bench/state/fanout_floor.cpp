// The floor REFERENCE.md §11.2/§11.3 set under the fan-out benchmark (bench/workspace/bench_fanout.py):
// N children of one `sh -c true` step each, at most J at once, with nothing of tako's own work
// but the durable writes §11.3 requires:
//   * one write at the start (the run and its children created);
//   * before each child's process starts, a write with its `running` status, which also
//     carries the end of the child that ran before it in that slot;
//   * one write at the end.
// Writes are group-committed as well as they can be: a write covers every request made before
// it began, so children whose slots free up together share one. Each write is the §11.2
// protocol (tmp file + fsync, two renames, fsync of the directory; tako's own
// state::write_state_file) of a document of --doc-bytes bytes that changes between writes. No
// serialising, no hashing, no template data, no workspaces, no locks: what any implementation
// of §11 pays on this disk before doing anything else.
//
// usage: fanout_floor --dir DIR [--children 200] [--slots 2] [--doc-bytes 360000] [--reps 1]
// Prints the wall time of each repetition in milliseconds, one per line.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tako/proc/supervisor.h"
#include "tako/state/store.h"

namespace {

struct Options {
  std::string dir;
  int children = 200;
  int slots = 2;
  std::size_t doc_bytes = 360000;
  int reps = 1;
};

// One writer thread; requests are numbered, a write makes every request made before it began
// durable.
class GroupWriter {
 public:
  GroupWriter(std::string dir, std::size_t doc_bytes) : dir_(std::move(dir)), doc_(doc_bytes, ' ') {
    thread_ = std::thread([this] { loop(); });
  }
  ~GroupWriter() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Returns once a write that began after this call is on disk.
  void write_and_wait() {
    std::unique_lock<std::mutex> l(mu_);
    const std::uint64_t mine = ++requested_;
    cv_.notify_all();
    cv_.wait(l, [&] { return durable_ >= mine; });
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> l(mu_);
    for (;;) {
      cv_.wait(l, [&] { return stop_ || requested_ > durable_; });
      if (stop_) return;
      const std::uint64_t target = requested_;
      l.unlock();
      // A different document each time, like a status change would make.
      std::snprintf(doc_.data(), 32, "%020llu", static_cast<unsigned long long>(target));
      auto st = tako::state::write_state_file(dir_, "floor-00000000-000000-00000000", doc_, &scratch_);
      if (!st.ok()) {
        std::fprintf(stderr, "fanout_floor: %s\n", st.error().message.c_str());
        std::exit(1);
      }
      l.lock();
      durable_ = target;
      cv_.notify_all();
    }
  }

  std::string dir_;
  std::string doc_;
  std::string scratch_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t requested_ = 0;
  std::uint64_t durable_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

double one_rep(const Options& o) {
  const auto t0 = std::chrono::steady_clock::now();
  {
    GroupWriter writer(o.dir, o.doc_bytes);
    writer.write_and_wait();  // run start, children created
    std::mutex mu;
    int next = 0;
    std::vector<std::thread> slots;
    for (int s = 0; s < o.slots; ++s) {
      slots.emplace_back([&] {
        tako::proc::Supervisor sup;
        for (;;) {
          {
            std::lock_guard<std::mutex> l(mu);
            if (next == o.children) return;
            ++next;
          }
          writer.write_and_wait();  // this child's `running` (and the previous one's end)
          tako::proc::ChildSpec spec;
          spec.spawn.argv = tako::proc::sh_command("true");
          spec.spawn.stdout_mode = tako::proc::Stdio::Pipe;
          spec.spawn.stderr_mode = tako::proc::Stdio::Pipe;
          spec.spawn.new_process_group = true;
          auto id = sup.spawn(std::move(spec));
          if (!id.ok()) {
            std::fprintf(stderr, "fanout_floor: spawn failed\n");
            std::exit(1);
          }
          sup.wait(*id);
        }
      });
    }
    for (auto& t : slots) t.join();
    writer.write_and_wait();  // the last children's ends, the run's end
  }
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--dir") o.dir = v;
    else if (k == "--children") o.children = std::atoi(v);
    else if (k == "--slots") o.slots = std::atoi(v);
    else if (k == "--doc-bytes") o.doc_bytes = static_cast<std::size_t>(std::atoll(v));
    else if (k == "--reps") o.reps = std::atoi(v);
    else {
      std::fprintf(stderr, "fanout_floor: unknown option %s\n", k.c_str());
      return 1;
    }
  }
  if (o.dir.empty() || o.children < 0 || o.slots < 1 || o.doc_bytes < 32 || o.reps < 1) {
    std::fprintf(stderr,
                 "usage: fanout_floor --dir DIR [--children 200] [--slots 2] [--doc-bytes 360000] [--reps 1]\n");
    return 1;
  }
  for (int r = 0; r < o.reps; ++r) std::printf("%.2f\n", one_rep(o));
  return 0;
}
