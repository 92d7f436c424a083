// The tree-wide cap on concurrently executing child runs (REFERENCE.md §10.8), and
// per-fan-out-step caps: counting semaphores whose waiters are served in
// ticket (trigger) order. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <map>
#include <set>

namespace tako::engine {

class Slots {
 public:
  explicit Slots(int capacity) : capacity_(capacity) {}  // capacity <= 0: unlimited

  // A ticket fixes a waiter's place in line; take it when the child is created.
  uint64_t ticket();
  // Blocks until a slot is free and every earlier ticket has been served (or
  // `cancelled()` turns true; then returns false without a slot).
  template <class Cancelled>
  bool acquire(uint64_t ticket, Cancelled cancelled);
  // Returns true when the slot went to a waiter asleep in acquire() (handed over: that
  // waiter's acquire() returns true unless it is cancelled first, which gives it back).
  bool release();
  // True when acquire() would find a slot free (for a caller at the head of the line).
  bool has_free();
  // Waiters asleep in acquire() (tests, diagnostics).
  size_t asleep();
  // Wakes every waiter so it re-checks its cancellation (after cancelling runs).
  void poke();
  // Leaves / rejoins the line without giving up the ticket's place: a child that
  // waits for a repository lock must not hold up the children behind it (they may
  // hold that lock and need a slot to finish).
  void suspend(uint64_t ticket);
  void resume(uint64_t ticket);
  // Gives up a ticket that will never be served (a child cancelled before it asked for its
  // slot): left in line, it would stay at the head for good and no later ticket, such as
  // a nested emitting run taking its slot back after its children, would ever be served.
  // Harmless for a ticket already served or gone.
  void leave(uint64_t ticket) { suspend(ticket); }

 private:
  // Only the head of the line can take a slot, so only its thread is woken: with
  // hundreds of children waiting, waking all of them on every release cost more CPU
  // than the children themselves (requires mu_).
  void wake_head();

  std::mutex mu_;
  int capacity_;
  int used_ = 0;
  uint64_t next_ticket_ = 1;
  std::set<uint64_t> waiting_;
  std::map<uint64_t, std::condition_variable*> blocked_;  // waiters asleep in acquire()
  std::set<uint64_t> granted_;  // handed a slot by release(), counted in used_, not yet woken
};

inline uint64_t Slots::ticket() {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t t = next_ticket_++;
  waiting_.insert(t);
  return t;
}

inline void Slots::wake_head() {
  if (waiting_.empty() || (capacity_ > 0 && used_ >= capacity_)) return;
  auto it = blocked_.find(*waiting_.begin());
  if (it != blocked_.end()) it->second->notify_one();
}

template <class Cancelled>
bool Slots::acquire(uint64_t ticket, Cancelled cancelled) {
  std::unique_lock<std::mutex> lock(mu_);
  std::condition_variable cv;
  for (;;) {
    if (granted_.erase(ticket) != 0) {
      if (!cancelled()) return true;
      --used_;  // handed over, but no longer wanted
    }
    if (cancelled()) {
      waiting_.erase(ticket);
      wake_head();
      return false;
    }
    bool first = waiting_.empty() || *waiting_.begin() == ticket;
    if (first && (capacity_ <= 0 || used_ < capacity_)) {
      waiting_.erase(ticket);
      ++used_;
      wake_head();
      return true;
    }
    blocked_[ticket] = &cv;
    cv.wait(lock);
    blocked_.erase(ticket);
  }
}

inline bool Slots::release() {
  std::lock_guard<std::mutex> lock(mu_);
  --used_;
  // Handed straight to the head of the line when it is asleep here: whoever releases knows
  // that a run starts now (the state writer waits for its first write, StateStore::expect_requests).
  if (!waiting_.empty()) {
    const uint64_t head = *waiting_.begin();
    auto it = blocked_.find(head);
    if (it != blocked_.end() && (capacity_ <= 0 || used_ < capacity_)) {
      waiting_.erase(head);
      granted_.insert(head);
      ++used_;
      it->second->notify_one();
      return true;
    }
  }
  wake_head();
  return false;
}

inline size_t Slots::asleep() {
  std::lock_guard<std::mutex> lock(mu_);
  return blocked_.size();
}

inline bool Slots::has_free() {
  std::lock_guard<std::mutex> lock(mu_);
  return capacity_ <= 0 || used_ < capacity_;
}

inline void Slots::suspend(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  waiting_.erase(ticket);
  wake_head();
}

inline void Slots::resume(uint64_t ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  waiting_.insert(ticket);
}

inline void Slots::poke() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [t, cv] : blocked_) cv->notify_one();
}

}  // namespace tako::engine
