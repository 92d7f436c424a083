// Shared fixtures of the store tests: a temp home, fixed clocks, sample nodes.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tako/state/document.h"
#include "tako/store/journal.h"
#include "tako/util/fs.h"

namespace tako::store::testing {

// 2025-07-15T12:00:00Z + `ns` nanoseconds.
inline state::Timestamp at(int64_t ns) {
  using namespace std::chrono;
  return state::Timestamp(seconds(1752580800)) + nanoseconds(ns);
}

inline int64_t to_nanos_for_test(state::Timestamp t) { return t.time_since_epoch().count(); }

// A journal on <tmp>/tako.db with a fake steady clock the test moves.
struct Fixture {
  util::TempDir dir{"tako-store-test"};
  std::string path = dir.path() + "/tako.db";
  std::chrono::steady_clock::time_point steady{};
  int64_t wall_ns = 0;

  JournalOptions options(SyncMode mode = SyncMode::Normal) {
    JournalOptions o;
    o.sync = mode;
    o.clock = [this] { return steady; };
    o.wall_clock = [this] { return at(wall_ns); };
    o.tako_version = "0.1.0";
    o.pid = 4242;
    o.hostname = "host-a";
    o.open.busy_timeout = std::chrono::milliseconds(50);
    return o;
  }
  std::unique_ptr<Journal> open(SyncMode mode = SyncMode::Normal) {
    auto j = Journal::open(path, options(mode));
    EXPECT_TRUE(j.ok()) << (j.ok() ? "" : j.error().message);
    return j.ok() ? std::move(*j) : nullptr;
  }
};

inline state::RunNode root_run(const std::string& id, int64_t start_ns) {
  state::RunNode r;
  r.run_id = id;
  r.repository = "my-org/lib";
  r.path = "/src/lib";
  r.workflow = "release";
  r.status = state::RunStatus::Running;
  r.workspace = "/home/.tako/workspaces/" + id;
  r.inputs = {{"version", "1.2.3"}, {"count", 3}, {"dry", false}};
  r.cli_inputs = {{"version", "1.2.3"}};
  r.start_time = at(start_ns);
  return r;
}

inline state::EventRecord sample_event(const std::string& id) {
  state::EventRecord e;
  e.id = id;
  e.type = "library_released";
  e.namespaced_type = "my-org/lib/library_released";
  e.schema_version = "1.0.0";
  e.source = "my-org/lib";
  e.artifact = "lib";
  e.payload = {{"version", "1.2.3"}, {"nested", {{"a", 1}}}};
  e.timestamp = at(5);
  return e;
}

inline state::StepNode running_step(const std::string& id, int64_t start_ns) {
  state::StepNode s;
  s.id = id;
  s.status = state::StepStatus::Running;
  s.start_time = at(start_ns);
  s.log = "logs/" + id + ".log";
  return s;
}

#define ASSERT_OK(expr)                                              \
  do {                                                               \
    auto&& _r = (expr);                                              \
    ASSERT_TRUE(_r.ok()) << #expr << ": " << _r.error().message;     \
  } while (0)

}  // namespace tako::store::testing

// Every store test names these unqualified.
namespace tako::store {
using testing::at;
using testing::Fixture;
using testing::root_run;
using testing::running_step;
using testing::sample_event;
}  // namespace tako::store
