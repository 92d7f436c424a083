// The error of a failed fan-out step (REFERENCE.md §10.10).
#include "tako/fanout/aggregate.h"

#include <gtest/gtest.h>

using namespace tako;

TEST(Aggregate, ItemsSortedByRepositoryThenWorkflowEvaluationErrorsLast) {
  std::vector<fanout::ChildFailure> f = {
      {"my-org/b", "deploy", "my-org/b:deploy: cancelled"},
      {"My-Org/A", "z", "My-Org/A:z: timed out"},
      {"my-org/a", "b", "my-org/a:b: step 'x' failed: exit status 1"},
  };
  std::string e = fanout::aggregate_error(5, f, {"subscription evaluation failed for o/c: subscription 0: filter 0 "
                                                 "evaluation failed: CEL evaluation error: division by zero"});
  EXPECT_EQ(e,
            "fan-out failed: 3 of 5 child workflows failed: my-org/a:b: step 'x' failed: exit status 1; "
            "My-Org/A:z: timed out; my-org/b:deploy: cancelled; subscription evaluation failed for o/c: "
            "subscription 0: filter 0 evaluation failed: CEL evaluation error: division by zero");
}

TEST(Aggregate, SpecExample) {
  EXPECT_EQ(fanout::aggregate_error(2, {{"my-org/app-two", "deploy", "my-org/app-two:deploy: step 'deploy' failed: exit status 1"}}, {}),
            "fan-out failed: 1 of 2 child workflows failed: my-org/app-two:deploy: step 'deploy' failed: exit status 1");
}

TEST(Aggregate, OnlyEvaluationErrors) {
  EXPECT_EQ(fanout::aggregate_error(0, {}, {"e1", "e2"}), "fan-out failed: 0 of 0 child workflows failed: e1; e2");
}
