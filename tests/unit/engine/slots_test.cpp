#include "tako/engine/slots.h"

#include <atomic>
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
