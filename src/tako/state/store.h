// Persistence of the state document (REFERENCE.md §11.2, §11.3): the atomic write
// protocol, checksum, integrity checks with `.bak` fallback, size limits, and
// StateStore, the thread-safe, coalescing writer the workflow engine uses.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/util/prefix_sha256.h"
#include "tako/util/result.h"

namespace tako::state {

inline constexpr std::uint64_t kWarnBytes = 10ull * 1024 * 1024;   // "10 MB" (MiB)
inline constexpr std::uint64_t kMaxBytes = 100ull * 1024 * 1024;   // "100 MB" (MiB)
// Files nested deeper than this many JSON levels are rejected before parsing.
inline constexpr int kMaxJsonNesting = 512;
// False when `text` nests [ / { (outside strings) deeper than `limit`.
bool json_nesting_within(std::string_view text, int limit);

// Receives warning texts without the "warning: " prefix.
using WarningSink = std::function<void(const std::string& message)>;
// Writes "warning: <message>\n" to stderr in one write (stdout flushed first).
void stderr_warning(const std::string& message);

// <home>/state
std::string state_dir(const std::string& home);
// <dir>/<run-id>.json
std::string state_path(const std::string& dir, const std::string& run_id);
// True when <dir>/<run-id>.json or its .bak exists (the id is taken).
bool state_exists(const std::string& dir, const std::string& run_id);

// "sha256:" + hex SHA-256 of doc.dump() (compact, sorted keys, nlohmann's default
// number formatting; invalid UTF-8 replaced by U+FFFD). `doc` must not hold
// "checksum" (a member of that name is ignored).
std::string compute_checksum(const nlohmann::json& doc);

// The file content: `doc` plus "checksum", 2-space indented, sorted keys, final newline.
std::string serialize_with_checksum(const nlohmann::json& doc);

// The same bytes as serialize_with_checksum(to_json(doc)), produced directly from
// the structs (the fast path of every write). `compact` is the hashed text.
struct SerializedState {
  std::string content;   // file content
  std::string compact;   // compact serialisation without checksum
  std::string checksum;  // "sha256:<64 hex>"
  // Kept between writes: hashes the compact text on from the last point the previous one
  // shared with it.
  util::PrefixSha256 hasher{};
};
SerializedState serialize_document_parts(const StateDocument& doc);

// Serialised text of child runs, reused by later writes of the same tree: with hundreds of
// children the document is written once or twice per child, and serialising every child
// each time made the writes quadratic. A fragment is reused when the child equals the copy
// it was made from (a comparison is several times cheaper than serialising), or without the
// comparison when the run is "frozen": the engine freezes a child when its executor has
// finished, and whoever changes a finished run afterwards must thaw it first. Debug builds
// re-serialise every frozen run they reuse and abort on a difference.
struct FragmentCache {
  // Keyed by the run node's address, which is stable (std::list; a pointer hashes for free,
  // where run ids share their first 21 characters) and checked through `run_id`.
  struct Fragment {
    std::string run_id;  // of the run it was made for: an address reused by another run misses
    int depth = 0;
    bool frozen = false;  // made after the run was frozen: reused without comparing
    std::string compact, pretty;
    std::optional<RunNode> source;  // absent for fragments of frozen runs
  };
  // A step's text, reused while the step equals `source` (steps of a long run are
  // serialised once, not at every write). Keyed by the node's address, which is stable
  // (std::list) and checked through `source`; entries not visited by a write whose
  // count outgrows the visited ones are dropped.
  struct StepFragment {
    int depth = 0;
    std::string compact, pretty;
    StepNode source;
    std::uint64_t pass = 0;  // the last write that used it
  };
  // Runs frozen since their fragment was made: the next write makes their final one.
  std::unordered_set<std::string> newly_frozen;
  std::unordered_map<const RunNode*, Fragment> fragments;
  std::unordered_map<const StepNode*, StepFragment> steps;
  std::uint64_t pass = 0;
  std::size_t steps_visited = 0;
  // The fragment made before the run was final is not reused: the next write makes the final one.
  void freeze(const std::string& run_id) { newly_frozen.insert(run_id); }
  void thaw_all() {
    newly_frozen.clear();
    fragments.clear();
    steps.clear();
  }
};

// Same, reusing the buffers of `out` (no reallocation on repeated writes) and, when given,
// the fragments of frozen child runs.
void serialize_document_into(const StateDocument& doc, SerializedState& out, FragmentCache* cache = nullptr);
// The two halves of serialize_document_into: the texts with the checksum left as zeros (needs
// the document), then the checksum (needs only the texts, so the store computes it after it
// let go of the document).
void serialize_document_unhashed(const StateDocument& doc, SerializedState& out, FragmentCache* cache = nullptr);
void fill_checksum(SerializedState& out);
std::string serialize_document(const StateDocument& doc);

// Steps (1)-(4) of §11.2 for already serialised `content`: <id>.json.tmp.<pid> +
// fsync, <id>.json -> <id>.json.bak, tmp -> <id>.json, fsync(dir). Creates `dir`
// (0700) when missing; the file gets mode 0600. No size checks here. Of a recycled backup only
// the 4 KiB pages that differ from `content` are written (docs/STATE.md).
// `scratch` (optional) holds the recycled file's old bytes between calls, so repeated writes
// reuse its allocation.
Status write_state_file(const std::string& dir, const std::string& run_id, const std::string& content,
                        std::string* scratch = nullptr);

// One verified state file. `json` is the parsed document without "checksum".
struct StateFile {
  StateDocument doc;
  nlohmann::json json;
};

// Reads and verifies one file (size <= 100 MiB, nesting, JSON, checksum, schema).
// The error is the <reason> of the corrupt-file warning, e.g. "checksum mismatch",
// "open <path>: no such file or directory", "invalid JSON: parse error at ...",
// "invalid document: root.status: missing".
Result<StateFile> read_state_file(const std::string& path);
// The same checks on in-memory content (used by the fuzzer).
Result<StateFile> parse_state_text(std::string_view text);

struct LoadedState {
  StateDocument doc;
  nlohmann::json json;       // without "checksum" (what `status --json` prints)
  std::string path;          // file actually used
  bool from_backup = false;
};

// §11.2 load of run `run_id` from `dir`:
//  * <id>.json valid -> it;
//  * else <id>.json.bak valid -> warns `state file <path> is corrupt (<reason>); using
//    backup <path>.bak` and uses it;
//  * neither file exists (or `run_id` is not a run id) -> `run '<id>' not found`;
//  * else -> `state for run <id> is corrupt and no valid backup exists`.
Result<LoadedState> load_state(const std::string& dir, const std::string& run_id,
                               const WarningSink& warn = stderr_warning);

// Run ids that have a <id>.json or <id>.json.bak in `dir`, sorted; [] when `dir` is missing.
std::vector<std::string> list_state_ids(const std::string& dir);

struct StoreOptions {
  std::string dir;  // <home>/state
  std::chrono::milliseconds coalesce_interval{50};
  WarningSink warn = stderr_warning;
  std::uint64_t warn_bytes = kWarnBytes;  // tests may lower the limits
  std::uint64_t max_bytes = kMaxBytes;
  // How long a forced write waits for announced requests (expect_requests) at most.
  std::chrono::microseconds join_wait{2000};
};

// The writer of one execution tree (only the process owning the tree writes).
//
// Threading contract
// ------------------
// * The store owns the document and one mutex (the "document lock"). Every read or
//   mutation of the document goes through `lock()` (or `update*`), which holds it.
// * The writer takes a snapshot (to_json) under the same document lock, then releases
//   it and does the serialisation, checksum and file I/O outside it, under a separate
//   I/O mutex that serialises writes. Snapshots are taken in I/O-mutex order, so the
//   file on disk never goes back to an older state.
// * `mark_dirty()` may be called with or without the document lock held. It schedules
//   a background write; writes are coalesced to at most one per `coalesce_interval`
//   (50 ms). The last change is never lost: `flush()` and the destructor write
//   pending changes.
// * `write_now()`, `flush()` and `update_now()` MUST NOT be called while holding the
//   document lock (they take it; std::mutex is not recursive). They return once a
//   snapshot taken after the call began is on disk (§11.3's forced points).
//   Concurrent write_now() calls are group-committed: a caller that finds a write
//   in progress waits for it and then either returns (if a later write already
//   covered its request) or performs one write covering every pending request.
// * Lock order: I/O mutex -> document lock -> internal scheduling mutex.
// * Each write stamps updated_at (now), pid (getpid), hostname and tako_version
//   into the document before the snapshot.
// * Errors: a failed write returns its error; the first error is also kept
//   (`first_error()`), so errors of background writes are not lost. Over 100 MiB the
//   error is `state file for run <id> exceeds 100 MB` and nothing is written; over
//   10 MiB the warning `state file <path> is <x.y> MB (limit 100 MB)` is printed once
//   per store.
class StateStore {
 public:
  StateStore(StoreOptions options, StateDocument initial);
  ~StateStore();  // stops the background thread and writes pending changes
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  // Holds the document lock for its lifetime.
  class Locked {
   public:
    StateDocument& operator*() const { return *doc_; }
    StateDocument* operator->() const { return doc_; }
    StateDocument& doc() const { return *doc_; }

   private:
    friend class StateStore;
    Locked(std::mutex& m, StateDocument* d) : lock_(m), doc_(d) {}
    std::unique_lock<std::mutex> lock_;
    StateDocument* doc_;
  };

  Locked lock() { return Locked(doc_mu_, &doc_); }
  // For callers that manage the lock themselves: document() requires mutex() held.
  std::mutex& mutex() { return doc_mu_; }
  StateDocument& document() { return doc_; }

  void mark_dirty();
  Status write_now();
  // write_now() in two halves, so a caller can prepare its next action while the write is
  // under way: request_write() wakes the background thread to write at once (no coalescing
  // delay) and returns a ticket; wait_written(ticket) returns once a snapshot taken after the
  // request is on disk, writing it itself if the background thread has not begun.
  std::uint64_t request_write();
  Status wait_written(std::uint64_t ticket);
  // A ticket for changes that must be on disk before the caller reports them, but not at once:
  // it wakes nobody; wait_written(ticket) writes them, or finds them covered by a later write.
  std::uint64_t defer_write();
  // Group commit across runs: `n` runs are about to request a forced write (children that were
  // just given a concurrency slot). A forced write that begins meanwhile waits for those
  // requests, up to `join_wait` after the latest announcement, so that one write serves them
  // all. Every request_write()/write_now() answers one announcement, whoever makes it; when the
  // wait times out the rest are dropped. A negative `n` takes announcements back.
  void expect_requests(int n);
  Status flush();  // writes if dirty; then returns first_error() (ok when none)

  // Mutate under the lock, then schedule (update) or force (update_now) a write.
  template <class F>
  void update(F&& fn) {
    {
      auto l = lock();
      fn(*l);
    }
    mark_dirty();
  }
  template <class F>
  Status update_now(F&& fn) {
    {
      auto l = lock();
      fn(*l);
    }
    return write_now();
  }

  // Declares the subtree of run `run_id` final (see FragmentCache) / every run changeable
  // again. Both require the document lock.
  void freeze_locked(const std::string& run_id) { fragments_.freeze(run_id); }
  void thaw_all_locked() { fragments_.thaw_all(); }

  // A copy of the document, taken under the lock.
  StateDocument snapshot();
  Status first_error() const;
  std::uint64_t write_count() const;  // completed writes (tests, diagnostics)
  int expected_requests() const;      // announced requests not yet made (tests, diagnostics)
  std::string path() const;           // <dir>/<root run id>.json

 private:
  Status write_locked_io();  // requires io_mu_
  Status cover(std::uint64_t ticket);  // takes io_mu_; writes unless a later write covered `ticket`
  bool answer_expectation_locked();    // requires sched_mu_; true when the last one was answered
  void background();

  StoreOptions opts_;
  StateDocument doc_;
  std::string hostname_;
  mutable std::mutex doc_mu_;
  std::mutex io_mu_;
  mutable std::mutex sched_mu_;
  std::condition_variable cv_;
  bool dirty_ = false;
  bool stop_ = false;
  // The background thread sleeps until a coalesced write is due: a change needs no wake-up.
  bool timer_armed_ = false;
  bool warned_size_ = false;  // under io_mu_
  SerializedState buffers_;   // under io_mu_: reused between writes
  std::string recycled_bytes_;  // under io_mu_: the recycled file's old bytes (write_state_file)
  FragmentCache fragments_;   // under doc_mu_
  std::chrono::steady_clock::time_point last_write_{};
  std::uint64_t writes_ = 0;
  // Group commit: forced writes requested while another is in progress share
  // the next write. requested_ counts write_now() calls; covered_ is the
  // highest request whose changes are on disk; last_status_ its result.
  std::uint64_t requested_ = 0;
  std::uint64_t covered_ = 0;
  std::uint64_t async_requested_ = 0;  // highest ticket of request_write()
  int expected_ = 0;                   // announced requests not yet made (expect_requests)
  std::chrono::steady_clock::time_point expect_until_{};
  std::condition_variable join_cv_;    // with sched_mu_: a request answered an announcement
  Status last_status_;
  std::optional<Error> first_error_;
  std::thread thread_;
};

}  // namespace tako::state
