#include "tako/slurm/job_files.h"

#include <gtest/gtest.h>

namespace tako::slurm {
namespace {

TEST(JobFiles, ShellQuote) {
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote(""), "''");
}

TEST(JobFiles, JobScriptRunsCommandInCheckoutAndRecordsStatus) {
  JobScript j{JobDir{"/ws/slurm/build"}, "/co", "echo 'hi'; exit 3", false};
  EXPECT_EQ(job_script_text(j),
            "#!/bin/sh\n# tako: the job of one step (docs/SCALE-OUT.md)\n"
            "cd '/co' || { printf '%s\\n' 1 > '/ws/slurm/build/status.tmp' && mv '/ws/slurm/build/status.tmp' "
            "'/ws/slurm/build/status'; exit 1; }\n"
            "sh -c 'echo '\\''hi'\\''; exit 3'\n"
            "rc=$?\n"
            "printf '%s\\n' \"$rc\" > '/ws/slurm/build/status.tmp' && mv '/ws/slurm/build/status.tmp' "
            "'/ws/slurm/build/status'\n"
            "exit \"$rc\"\n");
}

TEST(JobFiles, JobScriptReadsAndRemovesSecrets) {
  JobScript j{JobDir{"/d"}, "/co", "true", true};
  std::string t = job_script_text(j);
  EXPECT_NE(t.find("if [ -e '/d/secrets.env' ]; then . '/d/secrets.env'; rm -f '/d/secrets.env'; fi\n"),
            std::string::npos);
  // before the command runs
  EXPECT_LT(t.find("secrets.env"), t.find("sh -c"));
}

TEST(JobFiles, WatcherSubmitsFollowsAndExitsWithStatus) {
  std::string t = watcher_text(JobDir{"/d"}, {"sbatch", "--parsable", "--job-name=a b", "/d/job.sh"}, "0.5", 7);
  EXPECT_NE(t.find("if ! id=$('sbatch' '--parsable' '--job-name=a b' '/d/job.sh'); then\n  : > \"$d/failed\"\n"),
            std::string::npos);
  EXPECT_NE(t.find("id=${id%%;*}\n"), std::string::npos);
  EXPECT_NE(t.find("scontrol -o show job \"$id\""), std::string::npos);
  EXPECT_NE(t.find("-ge 7 ]; then echo UNKNOWN"), std::string::npos);
  EXPECT_NE(t.find("tail -n +1 -s 0.5 -f --pid=\"$w\" \"$d/job.out\"\n"), std::string::npos);
  EXPECT_NE(t.find("tail -n +1 -s 0.5 -f --pid=\"$w\" \"$d/job.err\" >&2 &\n"), std::string::npos);
  EXPECT_TRUE(t.ends_with("if [ -e \"$d/status\" ]; then exit \"$(cat \"$d/status\")\"; fi\nexit 1\n"));
}

TEST(JobFiles, SecretsEnv) {
  EXPECT_EQ(secrets_env_text({{"TOKEN", "s3'cr"}, {"B", ""}}), "export TOKEN='s3'\\''cr'\nexport B=''\n");
}

}  // namespace
}  // namespace tako::slurm
