#include "tako/engine/slots.h"

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using tako::engine::Slots;

TEST(Slots, ServesTicketsInOrderWithinCapacity) {
  Slots slots(2);
  constexpr int kWaiters = 40;
  std::vector<uint64_t> tickets;
  for (int i = 0; i < kWaiters; ++i) tickets.push_back(slots.ticket());
  std::atomic<int> acquired{0}, inside{0}, peak{0}, out_of_order{0};
  std::vector<std::thread> threads;
  // Threads start in reverse order: the ticket, not the arrival, decides.
  for (int i = kWaiters - 1; i >= 0; --i) {
    threads.emplace_back([&, i] {
      ASSERT_TRUE(slots.acquire(tickets[size_t(i)], [] { return false; }));
      // Every earlier ticket acquired before this one; at most one of them (the other slot
      // holder) may not have counted itself yet.
      if (++acquired < i) ++out_of_order;
      int now = ++inside;
      int p = peak.load();
      while (now > p && !peak.compare_exchange_weak(p, now)) {
      }
      --inside;
      slots.release();
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(peak.load(), 2);
  EXPECT_EQ(acquired.load(), kWaiters);
  EXPECT_EQ(out_of_order.load(), 0);
}

TEST(Slots, PokeWakesCancelledWaiters) {
  Slots slots(1);
  uint64_t holder = slots.ticket();
  ASSERT_TRUE(slots.acquire(holder, [] { return false; }));
  std::atomic<bool> cancel{false};
  std::vector<std::thread> waiters;
  std::atomic<int> gave_up{0};
  for (int i = 0; i < 5; ++i) {
    uint64_t t = slots.ticket();
    waiters.emplace_back([&, t] {
      if (!slots.acquire(t, [&] { return cancel.load(); })) ++gave_up;
    });
  }
  cancel = true;
  slots.poke();
  for (auto& w : waiters) w.join();  // would hang if a waiter were not woken
  EXPECT_EQ(gave_up.load(), 5);
  slots.release();
}

TEST(Slots, SuspendedTicketDoesNotHoldUpTheLine) {
  Slots slots(1);
  uint64_t first = slots.ticket();
  uint64_t second = slots.ticket();
  slots.suspend(first);  // waits for a repository lock meanwhile
  ASSERT_TRUE(slots.acquire(second, [] { return false; }));
  std::thread late([&] {
    slots.resume(first);
    EXPECT_TRUE(slots.acquire(first, [] { return false; }));
    slots.release();
  });
  slots.release();
  late.join();
}

// A ticket whose child was cancelled before it asked for its slot is given up: left in line,
// it stayed at the head for good and a nested emitting run taking its slot back after its
// children waited forever (a nested fan-out timeout hung tako).
TEST(Slots, LeftTicketDoesNotHoldUpTheLine) {
  Slots slots(1);
  uint64_t never = slots.ticket();
  slots.leave(never);
  uint64_t later = slots.ticket();
  std::atomic<bool> give_up{false}, finished{false};
  bool got = false;
  std::thread t([&] {
    got = slots.acquire(later, [&] { return give_up.load(); });
    finished = true;
  });
  // Bounded: a broken line fails the test instead of hanging it.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!finished.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  give_up = true;
  slots.poke();
  t.join();
  EXPECT_TRUE(got);
  if (got) slots.release();
}

namespace {
void wait_asleep(Slots& slots, size_t n) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (slots.asleep() < n && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(slots.asleep(), n);
}
}  // namespace

// release() hands the slot to the waiter asleep at the head of the line and says so: the
// releaser knows a run starts now (the state writer waits for that run's first write).
TEST(Slots, ReleaseHandsTheSlotToTheSleepingHead) {
  Slots slots(1);
  uint64_t a = slots.ticket(), b = slots.ticket();
  ASSERT_TRUE(slots.acquire(a, [] { return false; }));
  std::atomic<bool> b_has{false};
  std::thread tb([&] {
    EXPECT_TRUE(slots.acquire(b, [] { return false; }));
    b_has = true;
  });
  wait_asleep(slots, 1);
  EXPECT_TRUE(slots.release());
  EXPECT_FALSE(slots.has_free());  // reserved for b before b even woke up
  tb.join();
  EXPECT_TRUE(b_has.load());
  EXPECT_FALSE(slots.release());  // nobody waiting
  EXPECT_TRUE(slots.has_free());
}

// A waiter that was handed a slot but is cancelled before it wakes gives the slot back, and
// the next in line gets it.
TEST(Slots, CancelledHeadGivesAHandedSlotBack) {
  Slots slots(1);
  uint64_t a = slots.ticket(), b = slots.ticket(), c = slots.ticket();
  ASSERT_TRUE(slots.acquire(a, [] { return false; }));
  std::atomic<bool> cancel_b{false};
  std::atomic<int> b_result{-1};
  std::thread tb([&] { b_result = slots.acquire(b, [&] { return cancel_b.load(); }) ? 1 : 0; });
  wait_asleep(slots, 1);
  std::thread tc([&] {
    EXPECT_TRUE(slots.acquire(c, [] { return false; }));
    slots.release();
  });
  wait_asleep(slots, 2);
  cancel_b = true;
  EXPECT_TRUE(slots.release());  // handed to b, who finds itself cancelled
  tb.join();
  tc.join();  // would hang if b had kept the slot
  EXPECT_EQ(b_result.load(), 0);
  EXPECT_TRUE(slots.has_free());
}
