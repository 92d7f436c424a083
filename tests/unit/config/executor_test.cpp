// `executor:` and `slurm:` of workflows and steps (REFERENCE.md §7.14).
#include <gtest/gtest.h>

#include "test_support.h"

namespace tako::config {
namespace {

using testing::errors_of;
using testing::validate_text;
using V = std::vector<std::string>;

std::string wf(const std::string& body) { return "version: 1\nworkflows:\n  w:\n" + body; }

TEST(Executor, ReadsWorkflowAndStepFields) {
  auto r = validate_text(wf("    executor: slurm\n"
                            "    slurm: {partition: debug, account: a1, extra_args: [\"--time=10\"]}\n"
                            "    steps:\n"
                            "      - run: x\n"
                            "        executor: local\n"
                            "        slurm: {qos: high, constraint: avx, extra_args: [--exclusive]}\n"
                            "      - run: y\n"));
  ASSERT_TRUE(r.errors.empty()) << r.errors.front().message;
  const Workflow& w = r.config.workflows.at(0);
  EXPECT_EQ(w.executor, "slurm");
  EXPECT_EQ(w.slurm.partition, "debug");
  EXPECT_EQ(w.slurm.account, "a1");
  EXPECT_EQ(w.slurm.extra_args, V{"--time=10"});
  EXPECT_EQ(w.steps.at(0).executor, "local");
  EXPECT_EQ(w.steps.at(0).slurm.qos, "high");
  EXPECT_EQ(w.steps.at(0).slurm.constraint, "avx");
  EXPECT_EQ(w.steps.at(0).slurm.extra_args, V{"--exclusive"});
  EXPECT_FALSE(w.steps.at(1).executor.has_value());
}

TEST(Executor, PositionedErrors) {
  EXPECT_EQ(errors_of(wf("    steps:\n      - run: x\n        executor: remote\n")),
            V{"6:19: invalid workflow 'w': invalid step 0: invalid executor 'remote': must be one of local, slurm"});
  EXPECT_EQ(errors_of(wf("    slurm: {extra_args: [--wrap=id]}\n    steps: [x]\n")),
            V{"4:26: invalid workflow 'w': sbatch argument '--wrap=id' is not allowed (allowed: --time, --gres, "
              "--gpus, --nodelist, --exclude, --reservation, --tmp, --licenses, --exclusive, --nice, --comment, "
              "--mem-per-cpu, --hint, --priority, --wckey)"});
  EXPECT_EQ(errors_of(wf("    steps:\n      - uses: tako/checkout@v1\n        with: {ref: main}\n"
                         "        slurm: {partition: p}\n")),
            V{"7:9: invalid workflow 'w': invalid step 0: slurm is only supported for 'run' steps"});
}

TEST(Executor, ContainerStepsStayLocal) {
  // Once, at the workflow's executor, when the workflow sets both.
  EXPECT_EQ(errors_of(wf("    executor: slurm\n    image: alpine:3\n    steps: [x, y]\n")),
            V{"4:15: invalid workflow 'w': container steps cannot use executor 'slurm' yet"});
  // At the step's image when only the workflow says slurm.
  EXPECT_EQ(errors_of(wf("    executor: slurm\n    steps:\n      - run: x\n        image: alpine:3\n")),
            V{"7:16: invalid workflow 'w': invalid step 0: container steps cannot use executor 'slurm' yet"});
  // A step pinned to local may have an image.
  EXPECT_EQ(errors_of(wf("    executor: slurm\n    steps:\n      - run: x\n        image: alpine:3\n"
                         "        executor: local\n")),
            V{});
}

}  // namespace
}  // namespace tako::config
