#include "tako/state/ids.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "tako/util/fs.h"

using namespace tako::state;

TEST(StateIds, RunIdFormat) {
  std::regex re("exec-\\d{8}-\\d{6}-[0-9a-f]{8}");
  std::string id = new_run_id();
  EXPECT_TRUE(std::regex_match(id, re)) << id;
  EXPECT_TRUE(is_valid_run_id(id));
  EXPECT_EQ(make_run_id(*parse_time("2024-07-26T14:30:22.5Z"), 0xa7b3c1d2u), "exec-20240726-143022-a7b3c1d2");
  EXPECT_EQ(make_run_id(*parse_time("2024-01-02T03:04:05Z"), 0x1u), "exec-20240102-030405-00000001");
  // UTC: the date part is today's UTC date (within a second of the call).
  std::string today = format_time_seconds(now());
  std::string compact = today.substr(0, 4) + today.substr(5, 2) + today.substr(8, 2);
  EXPECT_EQ(new_run_id().substr(5, 8), compact);
}

TEST(StateIds, Validation) {
  EXPECT_TRUE(is_valid_run_id("exec-20240726-143022-a7b3c1d2"));
  for (const char* bad : {"", "exec-20240726-143022-A7B3C1D2", "exec-20240726-143022-a7b3c1d", "exec-2024072-1430223-a7b3c1d2",
                          "exec-20240726-143022-a7b3c1d2x", "run-20240726-143022-a7b3c1d2", "exec-2024072a-143022-a7b3c1d2",
                          "exec-20240726_143022-a7b3c1d2", "../20240726-143022-a7b3c1d2"}) {
    EXPECT_FALSE(is_valid_run_id(bad)) << bad;
  }
}

TEST(StateIds, Unique) {
  std::set<std::string> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(new_run_id());
  EXPECT_GE(ids.size(), 9990u);  // 32 random bits per second: collisions are astronomically rare
  std::set<std::string> events, fanouts;
  for (int i = 0; i < 10000; ++i) {
    events.insert(new_event_id());
    fanouts.insert(new_fan_out_id());
  }
  EXPECT_EQ(events.size(), 10000u);
  EXPECT_EQ(fanouts.size(), 10000u);
}

TEST(StateIds, EventAndFanOutFormat) {
  EXPECT_TRUE(std::regex_match(new_event_id(), std::regex("evt-[0-9a-f]{16}")));
  EXPECT_TRUE(std::regex_match(new_fan_out_id(), std::regex("fanout-[0-9a-f]{16}")));
}

TEST(StateIds, RegeneratedWhileTaken) {
  int calls = 0;
  std::string first;
  std::string id = new_run_id([&](const std::string& candidate) {
    if (calls++ == 0) first = candidate;
    return calls <= 3;
  });
  EXPECT_EQ(calls, 4);
  EXPECT_TRUE(is_valid_run_id(id));
}

