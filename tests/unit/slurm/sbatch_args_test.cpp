#include "tako/slurm/sbatch_args.h"

#include <gtest/gtest.h>

namespace tako::slurm {
namespace {

TEST(SbatchArgs, Minimal) {
  SbatchRequest r;
  r.job_name = job_name("exec-1", "build");
  r.chdir = "/co";
  r.output = "/d/job.out";
  r.error = "/d/job.err";
  r.script = "/d/job.sh";
  EXPECT_EQ(sbatch_args(r), (std::vector<std::string>{"sbatch", "--parsable", "--job-name=tako-exec-1-build",
                                                      "--chdir=/co", "--output=/d/job.out", "--error=/d/job.err",
                                                      "--open-mode=append", "/d/job.sh"}));
}

TEST(SbatchArgs, ResourcesOptionsAndExtras) {
  SbatchRequest r;
  r.job_name = "j";
  r.chdir = "/co";
  r.output = "o";
  r.error = "e";
  r.script = "s";
  r.cpus = cpus_per_task(1.5);
  r.mem_mib = mem_mib(100ull * 1000 * 1000);
  r.options = Options{"debug", "acct", "normal", "x86", {"--time=10", "--exclusive"}};
  EXPECT_EQ(sbatch_args(r),
            (std::vector<std::string>{"sbatch", "--parsable", "--job-name=j", "--chdir=/co", "--output=o", "--error=e",
                                      "--open-mode=append", "--cpus-per-task=2", "--mem=96M", "--partition=debug",
                                      "--account=acct", "--qos=normal", "--constraint=x86", "--time=10",
                                      "--exclusive", "s"}));
}

TEST(SbatchArgs, Rounding) {
  EXPECT_EQ(cpus_per_task(0.5), 1);
  EXPECT_EQ(cpus_per_task(2), 2);
  EXPECT_EQ(cpus_per_task(2.01), 3);
  EXPECT_EQ(mem_mib(1), 1u);
  EXPECT_EQ(mem_mib(1024 * 1024), 1u);
  EXPECT_EQ(mem_mib(1024 * 1024 + 1), 2u);
}

}  // namespace
}  // namespace tako::slurm
