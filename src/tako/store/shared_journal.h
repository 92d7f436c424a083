// The journal of one execution tree, shared by the threads that run it.
//
// Journal is single-threaded by design (one owner commits); until one scheduler
// thread owns the tree, every run of it commits from its own thread. SharedJournal
// serialises those commits behind one mutex and runs the owner's timer of §11.3:
// with --state-sync normal, no committed change stays unsynced longer than the
// sync interval even while nothing else is committed (a step running for minutes
// after its `running` commit). The first error is kept, so that a failed commit of
// one thread is reported by the tree's end.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "tako/store/journal.h"
#include "tako/util/result.h"

namespace tako::store {

class SharedJournal {
 public:
  static Result<std::unique_ptr<SharedJournal>> open(const std::string& path, JournalOptions opts = {});
  ~SharedJournal();  // stops the timer, syncs what is unsynced
  SharedJournal(const SharedJournal&) = delete;
  SharedJournal& operator=(const SharedJournal&) = delete;

  // Runs `change` (one or more verbs) under the journal's mutex. A failed change
  // is returned and kept as first_error().
  Status apply(const std::function<Status(Journal&)>& change);
  // Syncs the log now (the end of a tree) and returns first_error() when there was one.
  Status finish();
  Status first_error() const;
  std::uint64_t sync_count() const;

 private:
  explicit SharedJournal(std::unique_ptr<Journal> j);
  void timer();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<Journal> journal_;
  std::optional<Error> first_error_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tako::store
