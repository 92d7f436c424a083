#include "tako/slurm/executor.h"

#include <gtest/gtest.h>

#include "tako/slurm/job_state.h"

namespace tako::slurm {
namespace {

TEST(Executor, Names) {
  EXPECT_TRUE(valid_executor("local"));
  EXPECT_TRUE(valid_executor("slurm"));
  EXPECT_FALSE(valid_executor("Slurm"));
  EXPECT_FALSE(valid_executor(""));
  EXPECT_EQ(invalid_executor_message("k8s"), "invalid executor 'k8s': must be one of local, slurm");
  EXPECT_EQ(invalid_executor_usage("x", true),
            "invalid argument \"x\" for \"--executor\" flag: must be one of local, slurm");
  EXPECT_EQ(invalid_executor_usage("x", false), "invalid value \"x\" for TAKO_EXECUTOR: must be one of local, slurm");
}

TEST(Executor, OptionValues) {
  EXPECT_EQ(check_option("partition", "debug"), std::nullopt);
  EXPECT_EQ(check_option("partition", ""), "invalid slurm partition: ''");
  EXPECT_EQ(check_option("account", "a b"), "invalid slurm account: 'a b'");
  EXPECT_EQ(check_option("qos", "x\ny"), "invalid slurm qos: 'x\ny'");
}

TEST(Executor, ExtraArgsAllowList) {
  EXPECT_EQ(check_extra_arg("--time=10"), std::nullopt);
  EXPECT_EQ(check_extra_arg("--exclusive"), std::nullopt);
  EXPECT_EQ(check_extra_arg("--gres=gpu:1"), std::nullopt);
  for (const char* bad : {"--export=ALL", "--output=/x", "--wrap=id", "--chdir=/", "--job-name=x", "-o", "--time",
                          "--timex=1", "--time=1\n--export=ALL"}) {
    if (std::string(bad) == "--time") continue;  // the bare name is allowed
    auto err = check_extra_arg(bad);
    ASSERT_TRUE(err.has_value()) << bad;
    EXPECT_TRUE(err->starts_with("sbatch argument '" + std::string(bad) + "' is not allowed (allowed: --time, "))
        << *err;
  }
}

TEST(Executor, MergeStepOverWorkflow) {
  Options wf{"p1", "acct", "", "", {"--time=5"}};
  Options st{"p2", "", "high", "", {"--nice=1"}};
  Options m = merge(wf, st);
  EXPECT_EQ(m.partition, "p2");
  EXPECT_EQ(m.account, "acct");
  EXPECT_EQ(m.qos, "high");
  EXPECT_EQ(m.constraint, "");
  EXPECT_EQ(m.extra_args, (std::vector<std::string>{"--time=5", "--nice=1"}));
}

TEST(JobState, Mapping) {
  EXPECT_TRUE(is_active("PENDING"));
  EXPECT_TRUE(is_active("RUNNING"));
  EXPECT_TRUE(is_active("COMPLETING"));
  EXPECT_FALSE(is_active("COMPLETED"));
  EXPECT_FALSE(is_active("CANCELLED"));
  EXPECT_EQ(ended_without_status("7", "CANCELLED"), "slurm job 7 was cancelled");
  EXPECT_EQ(ended_without_status("7", "TIMEOUT"), "slurm job 7 reached its Slurm time limit");
  EXPECT_EQ(ended_without_status("7", "OUT_OF_MEMORY"), "slurm job 7 ran out of memory");
  EXPECT_EQ(ended_without_status("7", "NODE_FAIL"), "slurm job 7 failed: its node failed");
  EXPECT_EQ(ended_without_status("7", "UNKNOWN"), "slurm job 7 vanished from the cluster (scontrol no longer knows it)");
  EXPECT_EQ(ended_without_status("7", "WEIRD"), "slurm job 7 ended in state WEIRD without an exit status");
}

}  // namespace
}  // namespace tako::slurm
