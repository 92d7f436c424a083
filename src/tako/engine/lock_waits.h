// Cross-process deadlock detection for repository locks (REFERENCE.md §14 "Deadlock",
// docs/PROCESSES.md "Deadlock detection").
//
// Every `tako exec` process keeps a wait file listing the repository locks its runs are
// blocked on, each with the waiting run and its ancestors (the runs whose locks cannot be
// released before that wait ends). The path of the wait file goes into every repository
// lock the process takes (field `wait_file`), so a waiter in any other process, whatever
// its TAKO_HOME, can follow the chain: lock → holder run → the locks that run (or one of
// its descendants) waits for → their holders → … until it reaches a lock held by its own
// run or one of its ancestors (a cycle) or runs out of edges.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace tako::engine {

struct LockWait {
  std::string lock{};        // lock file waited for
  std::string repository{};  // its repository, for messages
  std::vector<std::string> runs{};  // the waiting run first, then its parent, …, the root
};

// The process-wide wait file. Disabled (no file, no `wait_file` field) until enable().
class LockWaits {
 public:
  static LockWaits& instance();

  // Puts the wait file at <home>/locks/waits-<pid>-<random>.json (the random part keeps a
  // stale file of a dead process whose pid was reused from being taken for ours).
  void enable(const std::string& home);
  std::string file() const;

  // Records `w` for as long as the returned guard lives; the file is rewritten on every
  // change and removed when no wait is left.
  class Guard {
   public:
    Guard() = default;
    Guard(Guard&& o) noexcept : id_(o.id_) { o.id_ = 0; }
    Guard& operator=(Guard&&) = delete;
    Guard(const Guard&) = delete;
    ~Guard();

   private:
    friend class LockWaits;
    explicit Guard(unsigned long long id) : id_(id) {}
    unsigned long long id_ = 0;
  };
  Guard add(LockWait w);

 private:
  void remove(unsigned long long id);
  void write_locked();

  mutable std::mutex mu_;
  std::string file_;
  unsigned long long next_id_ = 1;
  std::vector<std::pair<unsigned long long, LockWait>> waits_;
};

// Wait-file format: {"pid": <pid>, "waits": [{"lock","repository","runs":[…]}]}.
std::string wait_file_json(long long pid, const std::vector<LockWait>& waits);

struct DeadlockQuery {
  std::string lock{};        // the lock file this run waits for
  std::string repository{};  // its repository
  long long self_pid = 0;
  std::vector<std::string> own_runs{};  // the waiting run and its ancestors
  int max_hops = 32;                    // bounds the walk over foreign files
  std::function<bool(long long)> alive{};  // default: kill(pid, 0) succeeds or EPERM
};

// The §14 message when following holders and their recorded waits from `lock` reaches a
// lock held by one of `own_runs` in this process; "" otherwise. Records of dead pids,
// unreadable files and wait files whose pid is not the holder's are ignored.
std::string find_deadlock(const DeadlockQuery& q);

}  // namespace tako::engine
