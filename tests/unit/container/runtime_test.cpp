// Runtime selection (REFERENCE.md §12.1), with a scripted probe instead of docker/podman.
#include <gtest/gtest.h>

#include <map>

#include "tako/container/runtime.h"
#include "tako/container/runtime_command.h"

namespace tako::container {
namespace {

// Answers each command (joined by spaces) from a table; records the commands asked.
struct FakeProbe {
  std::map<std::string, ProbeResult> answers;
  std::vector<std::string> asked;
  Probe fn() {
    return [this](const std::vector<std::string>& argv) {
      std::string line;
      for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
      asked.push_back(line);
      auto it = answers.find(line);
      return it == answers.end() ? ProbeResult{false, "not scripted"} : it->second;
    };
  }
};

const char* kDockerVersion = "docker version --format {{.Server.Version}}";
const char* kPodmanVersion = "podman version --format {{.Version}}";
const char* kPodmanRootless = "podman info --format {{.Host.Security.Rootless}}";

TEST(RuntimeChoice, ValidValues) {
  for (const char* ok : {"auto", "docker", "podman"}) EXPECT_TRUE(valid_runtime_choice(ok)) << ok;
  for (const char* bad : {"", "Docker", "lxc", "auto "}) EXPECT_FALSE(valid_runtime_choice(bad)) << bad;
  EXPECT_EQ(invalid_runtime_message("lxc", true),
            "invalid argument \"lxc\" for \"--container-runtime\" flag: must be one of auto, docker, podman");
  EXPECT_EQ(invalid_runtime_message("lxc", false),
            "invalid value \"lxc\" for TAKO_CONTAINER_RUNTIME: must be one of auto, docker, podman");
}

TEST(DetectRuntime, AutoPrefersDocker) {
  FakeProbe p;
  p.answers[kDockerVersion] = {true, "24.0.7"};
  p.answers[kPodmanVersion] = {true, "4.3.1"};
  auto rt = detect_runtime("auto", p.fn());
  ASSERT_TRUE(rt.ok()) << rt.error().message;
  EXPECT_EQ(rt->name, "docker");
  EXPECT_EQ(rt->version, "24.0.7");
  EXPECT_FALSE(rt->rootless);
  EXPECT_EQ(p.asked, std::vector<std::string>{kDockerVersion});  // podman is not asked
}

TEST(DetectRuntime, AutoFallsThroughToPodmanAndAsksRootless) {
  FakeProbe p;
  p.answers[kDockerVersion] = {false, "Cannot connect to the Docker daemon"};
  p.answers[kPodmanVersion] = {true, "4.3.1"};
  p.answers[kPodmanRootless] = {true, "true"};
  auto rt = detect_runtime("auto", p.fn());
  ASSERT_TRUE(rt.ok());
  EXPECT_EQ(rt->name, "podman");
  EXPECT_EQ(rt->version, "4.3.1");
  EXPECT_TRUE(rt->rootless);
  EXPECT_EQ(p.asked, (std::vector<std::string>{kDockerVersion, kPodmanVersion, kPodmanRootless}));
}

TEST(DetectRuntime, RootfulPodmanAndFailingInfo) {
  FakeProbe p;
  p.answers[kPodmanVersion] = {true, "4.3.1"};
  p.answers[kPodmanRootless] = {true, "false"};
  auto rt = detect_runtime("podman", p.fn());
  ASSERT_TRUE(rt.ok());
  EXPECT_FALSE(rt->rootless);
  p.answers[kPodmanRootless] = {false, "true"};  // a failing `podman info` is not rootless
  rt = detect_runtime("podman", p.fn());
  ASSERT_TRUE(rt.ok());
  EXPECT_FALSE(rt->rootless);
}

TEST(DetectRuntime, NoneAvailable) {
  FakeProbe p;
  auto rt = detect_runtime("auto", p.fn());
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.error().message,
            "container execution requested but no container runtime is available (install docker or podman)");
  EXPECT_EQ(p.asked, (std::vector<std::string>{kDockerVersion, kPodmanVersion}));
}

TEST(DetectRuntime, ExplicitChoiceIsNotReplaced) {
  FakeProbe p;
  p.answers[kDockerVersion] = {false, "Cannot connect to the Docker daemon at unix:///var/run/docker.sock."};
  p.answers[kPodmanVersion] = {true, "4.3.1"};
  auto rt = detect_runtime("docker", p.fn());
  ASSERT_FALSE(rt.ok());
  EXPECT_EQ(rt.error().message,
            "container runtime 'docker' is not available: Cannot connect to the Docker daemon at "
            "unix:///var/run/docker.sock.");
  EXPECT_EQ(p.asked, std::vector<std::string>{kDockerVersion});
  FakeProbe q;
  auto rp = detect_runtime("podman", q.fn());
  ASSERT_FALSE(rp.ok());
  EXPECT_EQ(rp.error().message, "container runtime 'podman' is not available: not scripted");
  EXPECT_EQ(q.asked, std::vector<std::string>{kPodmanVersion});
  // An explicit docker is never asked whether it is rootless.
  FakeProbe d;
  d.answers[kDockerVersion] = {true, "20.10"};
  ASSERT_TRUE(detect_runtime("docker", d.fn()).ok());
  EXPECT_EQ(d.asked, std::vector<std::string>{kDockerVersion});
}

TEST(KeepId, RootlessPodmanFrom43) {
  auto rt = [](std::string name, std::string version, bool rootless) { return Runtime{name, version, rootless}; };
  EXPECT_TRUE(supports_keep_id_mapping(rt("podman", "4.3.0", true)));
  EXPECT_TRUE(supports_keep_id_mapping(rt("podman", "4.3.1", true)));
  EXPECT_TRUE(supports_keep_id_mapping(rt("podman", "4.10.2", true)));
  EXPECT_TRUE(supports_keep_id_mapping(rt("podman", "5.0.0-dev", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "4.2.9", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "3.4.4", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "4.3.1", false)));  // rootful
  EXPECT_FALSE(supports_keep_id_mapping(rt("docker", "24.0.7", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "4", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "4.x", true)));
  EXPECT_FALSE(supports_keep_id_mapping(rt("podman", "dev", true)));
}

// The real probe and runtime commands, with ordinary programs standing in for a runtime.
TEST(SystemProbe, ReportsOutputAndFailures) {
  ProbeResult ok = system_probe({"sh", "-c", "echo '  4.3.1 '"});
  EXPECT_TRUE(ok.ok);
  EXPECT_EQ(ok.output, "4.3.1");
  ProbeResult bad = system_probe({"sh", "-c", "echo out; echo 'Cannot connect' >&2; exit 1"});
  EXPECT_FALSE(bad.ok);
  EXPECT_EQ(bad.output, "Cannot connect");
  ProbeResult quiet = system_probe({"sh", "-c", "echo only-stdout; exit 3"});
  EXPECT_EQ(quiet.output, "only-stdout");
  ProbeResult silent = system_probe({"sh", "-c", "exit 3"});
  EXPECT_EQ(silent.output, "exit status 3");
  ProbeResult missing = system_probe({"tako-no-such-runtime", "version"});
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.output, "exec: \"tako-no-such-runtime\": executable file not found in $PATH");
}

TEST(RuntimeCommand, TimeoutAndEnvironment) {
  RuntimeCommand slow;
  slow.argv = {"sh", "-c", "sleep 30"};
  slow.timeout = std::chrono::milliseconds(200);
  CommandResult r = run_runtime_command(slow);
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(r.timed_out);
  EXPECT_EQ(r.failure_text(), "timed out after 200ms");
  RuntimeCommand env;
  env.argv = {"sh", "-c", "echo \"$ONLY\""};
  env.env = std::vector<std::string>{"ONLY=this", "PATH=/usr/bin:/bin"};
  CommandResult e = run_runtime_command(env);
  EXPECT_TRUE(e.ok);
  EXPECT_EQ(e.out, "this\n");
}

TEST(DetectRuntimeOnce, AnswersFromTheFirstDetection) {
  // No runtime called "podman"/"docker" needs to exist: whatever the first call answers, the
  // second returns the same without asking again.
  auto first = detect_runtime_once("podman");
  auto second = detect_runtime_once("podman");
  ASSERT_EQ(first.ok(), second.ok());
  if (first.ok()) {
    EXPECT_EQ(first->name, second->name);
    EXPECT_EQ(first->version, second->version);
  } else {
    EXPECT_EQ(first.error().message, second.error().message);
  }
}

}  // namespace
}  // namespace tako::container
