#include "tako/proc/exit_status.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

namespace tako::proc {
namespace {

TEST(SignalName, GoNames) {
  EXPECT_EQ(signal_name(SIGKILL), "killed");
  EXPECT_EQ(signal_name(SIGTERM), "terminated");
  EXPECT_EQ(signal_name(SIGINT), "interrupt");
  EXPECT_EQ(signal_name(SIGHUP), "hangup");
  EXPECT_EQ(signal_name(SIGQUIT), "quit");
  EXPECT_EQ(signal_name(SIGABRT), "aborted");
  EXPECT_EQ(signal_name(SIGSEGV), "segmentation fault");
  EXPECT_EQ(signal_name(SIGPIPE), "broken pipe");
  EXPECT_EQ(signal_name(SIGUSR1), "user defined signal 1");
  EXPECT_EQ(signal_name(SIGSYS), "bad system call");
  EXPECT_EQ(signal_name(40), "signal 40");
}

TEST(ExitStatus, Describe) {
  EXPECT_EQ((ExitStatus{.exit_code = 0}).describe(), "exit status 0");
  EXPECT_EQ((ExitStatus{.exit_code = 3}).describe(), "exit status 3");
  EXPECT_EQ((ExitStatus{.signal = SIGKILL}).describe(), "signal: killed");
  EXPECT_EQ((ExitStatus{.signal = SIGSEGV, .core_dumped = true}).describe(),
            "signal: segmentation fault (core dumped)");
  EXPECT_TRUE((ExitStatus{.exit_code = 0}).success());
  EXPECT_FALSE((ExitStatus{.signal = SIGTERM}).success());
}

TEST(ExitStatus, FromWaitStatusAndSiginfo) {
  EXPECT_EQ(ExitStatus::from_wait_status(7 << 8).exit_code, 7);
  EXPECT_EQ(ExitStatus::from_wait_status(SIGTERM).signal, SIGTERM);
  EXPECT_EQ(ExitStatus::from_siginfo(CLD_EXITED, 2).describe(), "exit status 2");
  EXPECT_EQ(ExitStatus::from_siginfo(CLD_KILLED, SIGINT).describe(), "signal: interrupt");
  EXPECT_TRUE(ExitStatus::from_siginfo(CLD_DUMPED, SIGABRT).core_dumped);
}

}  // namespace
}  // namespace tako::proc
