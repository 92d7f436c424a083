// The forwarded environment of a container step (REFERENCE.md §12.2).
#include <gtest/gtest.h>

#include <algorithm>

#include "tako/container/environment.h"
#include "tako/proc/spawn.h"

namespace tako::container {
namespace {

TEST(ContainerEnvironment, NamesSortedUniqueLastValueWins) {
  auto e = container_environment({"PATH=/usr/bin", "HOST_ONLY=x"},
                                 {{"ZED", "1"}, {"ALPHA", "a"}, {"MID", "m"}, {"ZED", "2"}, {"TAKO_CONTAINER", "true"}},
                                 "podman");
  EXPECT_EQ(e.names, (std::vector<std::string>{"ALPHA", "MID", "TAKO_CONTAINER", "ZED"}));
  EXPECT_EQ(proc::env_get(e.runtime_env, "ZED"), "2");
  EXPECT_EQ(proc::env_get(e.runtime_env, "ALPHA"), "a");
  // The runtime keeps what it needs of the host; the container gets only the names.
  EXPECT_EQ(proc::env_get(e.runtime_env, "PATH"), "/usr/bin");
  EXPECT_EQ(proc::env_get(e.runtime_env, "HOST_ONLY"), "x");
  EXPECT_EQ(std::count(e.names.begin(), e.names.end(), "HOST_ONLY"), 0);
  EXPECT_EQ(std::count(e.names.begin(), e.names.end(), "PATH"), 0);
}

TEST(ContainerEnvironment, ForwardedValueReplacesHostValue) {
  auto e = container_environment({"TAKO_REPO_PATH=/host/checkout", "A=host"},
                                 {{"TAKO_REPO_PATH", "/workspace"}, {"A", "step"}}, "docker");
  EXPECT_EQ(proc::env_get(e.runtime_env, "TAKO_REPO_PATH"), "/workspace");
  EXPECT_EQ(proc::env_get(e.runtime_env, "A"), "step");
  EXPECT_EQ(std::count_if(e.runtime_env.begin(), e.runtime_env.end(),
                          [](const std::string& kv) { return kv.rfind("A=", 0) == 0; }),
            1);
}

TEST(ContainerEnvironment, RuntimeKeepsItsConfigurationWhenHomeIsForwarded) {
  auto e = container_environment({"HOME=/home/u", "PATH=/bin"}, {{"HOME", "/tmp"}}, "podman");
  EXPECT_EQ(e.names, std::vector<std::string>{"HOME"});
  EXPECT_EQ(proc::env_get(e.runtime_env, "HOME"), "/tmp");
  EXPECT_EQ(proc::env_get(e.runtime_env, "XDG_CONFIG_HOME"), "/home/u/.config");
  EXPECT_EQ(proc::env_get(e.runtime_env, "XDG_DATA_HOME"), "/home/u/.local/share");
  // podman reads DOCKER_CONFIG as an auth location that must exist: never set for it.
  EXPECT_FALSE(proc::env_get(e.runtime_env, "DOCKER_CONFIG"));
  auto d = container_environment({"HOME=/home/u", "PATH=/bin"}, {{"HOME", "/tmp"}}, "docker");
  EXPECT_EQ(proc::env_get(d.runtime_env, "DOCKER_CONFIG"), "/home/u/.docker");
  EXPECT_FALSE(proc::env_get(d.runtime_env, "XDG_CONFIG_HOME"));
  EXPECT_FALSE(proc::env_get(d.runtime_env, "XDG_DATA_HOME"));
}

TEST(ContainerEnvironment, ExistingRuntimeSettingsAreKept) {
  auto e = container_environment({"HOME=/home/u", "XDG_DATA_HOME=/data", "DOCKER_CONFIG=/dc"},
                                 {{"HOME", "/tmp"}, {"XDG_CONFIG_HOME", "/step-config"}}, "podman");
  EXPECT_EQ(proc::env_get(e.runtime_env, "XDG_DATA_HOME"), "/data");
  EXPECT_EQ(proc::env_get(e.runtime_env, "DOCKER_CONFIG"), "/dc");  // the user's own setting stays
  EXPECT_EQ(proc::env_get(e.runtime_env, "XDG_CONFIG_HOME"), "/step-config");  // forwarded: the step's choice
}

TEST(ContainerEnvironment, NothingAddedWithoutAHomeChange) {
  for (const auto& host : {std::vector<std::string>{"HOME=/tmp"}, std::vector<std::string>{},
                           std::vector<std::string>{"HOME="}}) {
    auto e = container_environment(host, {{"HOME", "/tmp"}}, "podman");
    EXPECT_FALSE(proc::env_get(e.runtime_env, "XDG_CONFIG_HOME"));
    EXPECT_FALSE(proc::env_get(e.runtime_env, "DOCKER_CONFIG"));
  }
  auto e = container_environment({"HOME=/home/u"}, {{"A", "1"}}, "podman");
  EXPECT_FALSE(proc::env_get(e.runtime_env, "XDG_DATA_HOME"));
}

}  // namespace
}  // namespace tako::container
