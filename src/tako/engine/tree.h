// State shared by every run of one execution tree (one `tako exec`): options,
// the state document and its persistence, secret masking, console output, the
// workspace universe, concurrency limits and idempotency keys.
//
// Locking: the document lock (`lock()`) guards the state document (every
// RunNode/StepNode) and the idempotency keys. Runs mutate their nodes only while
// holding it, and record() the change to the store before they let go of it.
#pragma once

#include <atomic>
#include <cstdint>
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
#include "tako/store/shared_journal.h"

namespace tako::engine {

class Tree {
 public:
  explicit Tree(ExecOptions options);

  const ExecOptions& options() const { return options_; }

  // The tree's state: the document (the engine's working copy) and the journal that
  // commits every change of it to the store (§11.3). In dry-run there is no journal.
  class Locked {
   public:
    explicit Locked(std::mutex& m, state::StateDocument* d) : lock_(m), doc_(d) {}
    state::StateDocument& operator*() const { return *doc_; }
    state::StateDocument* operator->() const { return doc_; }

   private:
    std::unique_lock<std::mutex> lock_;
    state::StateDocument* doc_;
  };
  // `journal` is null in dry-run.
  void init_state(state::StateDocument doc, std::unique_ptr<store::SharedJournal> journal);
  Locked lock() { return Locked(doc_mu_, &doc_); }
  std::mutex& mutex() { return doc_mu_; }
  state::StateDocument& doc() { return doc_; }  // requires mutex()

  // Commits a change of the document: `change` calls journal verbs. Called with the
  // document lock held, right after the change, so that commits follow the document's
  // order. A no-op in dry-run; a failed commit is returned (and kept for finish_state).
  Status record(const std::function<Status(store::Journal&)>& change);
  // The end of the tree: syncs the store and returns the first failed commit, if any.
  Status finish_state();
  // Size of the tree's run document (§11.2), estimated as the bytes of the recorded values
  // plus a fixed amount per run and step: counting costs nothing per commit, where
  // exporting the document would grow with the tree. Over 10 MiB warns once
  // (`warning: run <id> has <x.y> MB of state (limit 100 MB)`); over 100 MiB returns
  // `state for run <id> exceeds 100 MB` and the change must not be committed.
  Status add_state_bytes(std::uint64_t bytes);
  static constexpr std::uint64_t kStateWarnBytes = 10ull << 20;
  static constexpr std::uint64_t kStateMaxBytes = 100ull << 20;

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
  std::mutex doc_mu_;
  state::StateDocument doc_;
  std::unique_ptr<store::SharedJournal> journal_;
  std::atomic<std::uint64_t> state_bytes_{0};
  std::atomic<bool> size_warned_{false};
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
