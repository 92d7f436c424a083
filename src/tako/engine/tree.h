// State shared by every run of one execution tree (one `tako exec`): options,
// the state document and its persistence, secret masking, console output, the
// workspace universe, concurrency limits and idempotency keys.
//
// Locking: the state store's document lock (`lock()`) guards the state
// document (every RunNode/StepNode) and the idempotency keys. Runs mutate their
// nodes only while holding it; save() must be called WITHOUT it (it takes it).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "tako/engine/dir_pool.h"
#include "tako/engine/exec_options.h"
#include "tako/engine/masker.h"
#include "tako/engine/slots.h"
#include "tako/repo/universe.h"
#include "tako/state/document.h"
#include "tako/state/store.h"

namespace tako::engine {

class Tree {
 public:
  explicit Tree(ExecOptions options);

  const ExecOptions& options() const { return options_; }

  // The document and its lock. In dry-run the store never writes.
  void init_state(state::StateDocument doc);
  state::StateStore::Locked lock() { return store_->lock(); }
  std::mutex& mutex() { return store_->mutex(); }
  state::StateDocument& doc() { return store_->document(); }  // requires mutex()

  // Writes the document now (force: §11.3's points) or coalesced. Must be
  // called without the document lock. A failed forced write is returned.
  Status save(bool force);
  // A forced write in two halves (state::StateStore::request_write/wait_written): the run
  // prepares its step while the write is under way and awaits it before the step acts.
  // Dry-run: no ticket, and awaiting it is a no-op.
  std::optional<std::uint64_t> request_save();
  Status await_save(std::optional<std::uint64_t> ticket);
  // A ticket for changes that must be on disk before they are reported, not at once
  // (state::StateStore::defer_write): a child's end, awaited after its slot went on.
  std::optional<std::uint64_t> defer_save();
  // `n` runs were just given a slot and will request their first write: the next forced
  // write waits for them (state::StateStore::expect_requests).
  void expect_saves(int n);

  // Serialisation cache of finished child runs (state::FragmentCache); both require the
  // document lock. freeze_run: the run's subtree is final. thaw_all: before changing
  // runs that already finished (--failed-only settlement).
  void freeze_run(const std::string& run_id);
  void thaw_all();

  // Masking with every secret seen so far in the tree.
  void add_secret(const std::string& value);
  // Names declared in `secrets` by any run of the tree so far. They are kept out of every
  // run's step environment and `env` root, not only the declaring run's: a child run (another
  // repository's steps) must not inherit a secret from tako's environment (§7.7: a secret
  // reaches a step only through a step env mapping).
  void add_secret_name(const std::string& name);
  std::set<std::string> secret_names() const;
  std::string mask(std::string_view text) const;
  void mask_json(nlohmann::json& value) const;  // every string and key, in place
  // Masks a file tako read (a step's $TAKO_OUTPUT) in place, when it holds a secret.
  void mask_file(const std::string& path) const;

  // Whole lines to stdout/stderr, never interleaved. Masked here too: whatever a caller
  // prints, a secret never reaches the console in clear.
  void out_line(const std::string& line);
  void err_line(const std::string& line);
  void debug(const std::string& line);  // "[debug] <line>" with --debug

  // The workspace universe, built on first use (§3.5, non-strict).
  Result<const repo::Universe*> universe();

  Slots& slots() { return slots_; }

  // Per-step scratch directories (reused when a finished step left its own empty).
  DirPool& scratch_dirs() { return scratch_dirs_; }

  // Idempotency keys of §10.11 (requires `mu`).
  std::set<std::string> keys;
  bool depth_warning_printed = false;

  // Set once the tree is being torn down (interrupt): pending runs do not start.
  std::atomic<bool> interrupted{false};

 private:
  ExecOptions options_;
  std::unique_ptr<state::StateStore> store_;
  mutable std::mutex mask_mu_;
  Masker masker_;
  std::set<std::string> secret_names_;  // guarded by mask_mu_
  std::mutex out_mu_;
  std::mutex universe_mu_;
  std::optional<repo::Resolver> resolver_;
  std::optional<Result<repo::Universe>> universe_;
  Slots slots_;
  DirPool scratch_dirs_;
};

}  // namespace tako::engine
