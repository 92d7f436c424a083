#include "tako/cli/run_report.h"

#include <gtest/gtest.h>

using namespace tako::cli;
using tako::engine::CommandRunResult;
using tako::engine::RepoOutcome;
using Kind = RepoOutcome::Kind;
using namespace std::chrono_literals;

namespace {

CommandRunResult sample() {
  CommandRunResult r;
  r.elapsed = 1500ms;
  RepoOutcome a{"o/a", "/a", Kind::Succeeded, 0, 0, "", "", 12ms};
  RepoOutcome b{"o/b", "/b", Kind::Failed, 3, 0, "exit status 3", "", 250ms};
  RepoOutcome c{"o/c", "/c", Kind::Skipped, std::nullopt, 0, "", "o/b", 0ms};
  RepoOutcome d{"o/d", "/d", Kind::Failed, std::nullopt, 9, "signal: killed", "", 1s};
  RepoOutcome e{"o/e", "/e", Kind::NotStarted, std::nullopt, 0, "", "", 0ms};
  RepoOutcome f{"o/f", "/f", Kind::Failed, std::nullopt, 0, "timed out waiting for the lock", "", 0ms};
  r.repos = {a, b, c, d, e, f};
  return r;
}

}  // namespace

TEST(RunReport, Json) {
  auto j = run_json("make", sample());
  EXPECT_EQ(j["command"], "make");
  EXPECT_EQ(j["success"], false);
  EXPECT_EQ(j["duration_ms"], 1500);
  EXPECT_EQ(j["summary"],
            nlohmann::json::parse(R"({"succeeded":1,"failed":3,"skipped":1,"not_started":1,"total":6})"));
  ASSERT_EQ(j["repositories"].size(), 6u);
  EXPECT_EQ(j["repositories"][1], nlohmann::json::parse(R"({"name":"o/b","path":"/b","status":"failed",
    "exit_code":3,"signal":null,"error":"exit status 3","skipped_because":null,"duration_ms":250})"));
  EXPECT_EQ(j["repositories"][2]["skipped_because"], "o/b");
  EXPECT_EQ(j["repositories"][3]["signal"], 9);
  EXPECT_EQ(j["repositories"][3]["exit_code"], nullptr);
  EXPECT_EQ(j["repositories"][4]["status"], "not_started");
  // Keys come out sorted: the dump is stable.
  EXPECT_EQ(j.dump().rfind("{\"command\":", 0), 0u);
}

TEST(RunReport, SuccessAndDryRun) {
  CommandRunResult ok;
  ok.repos = {RepoOutcome{"o/a", "/a", Kind::Succeeded, 0, 0, "", "", 1ms}};
  EXPECT_EQ(run_json("x", ok)["success"], true);
  EXPECT_EQ(failure_recap(ok), "");
  RepoOutcome planned;
  planned.name = "o/a";
  planned.path = "/a";
  auto dry = dry_run_json("x", {planned});
  EXPECT_EQ(dry, nlohmann::json::parse(R"({"command":"x","dry_run":true,
    "repositories":[{"name":"o/a","path":"/a","status":"planned"}]})"));
}

TEST(RunReport, FailureRecap) {
  EXPECT_EQ(failure_recap(sample()),
            " Repositories:  1 succeeded, 3 failed, 2 skipped, 6 total\n"
            "         Time:  1.5s\n"
            "       Failed:  o/b (exit status 3 after 250ms)\n"
            "                o/d (signal: killed after 1s)\n"
            "                o/f (timed out waiting for the lock)\n");
}
