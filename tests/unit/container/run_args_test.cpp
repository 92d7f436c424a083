// The `<rt> run` argument list (REFERENCE.md §12.2, §12.3): exact, in order.
#include <gtest/gtest.h>

#include <algorithm>

#include "tako/container/run_args.h"

namespace tako::container {
namespace {

using Args = std::vector<std::string>;

RunRequest base() {
  RunRequest r;
  r.runtime = Runtime{"podman", "4.3.1", false};
  r.name = "tako-20261207-abc-build";
  r.image = "localhost/tool:1";
  r.env_names = {"TAKO_RUN_ID", "HOME", "A_VAR"};
  r.checkout = "/src/app";
  r.step_tmp_dir = "/ws/tmp/build";
  r.command = "make test";
  return r;
}

Args head(const std::string& rt) { return {rt, "run", "--rm", "--name", "tako-20261207-abc-build", "--user", "1001:1001"}; }
const Args kHardening = {"--read-only", "--tmpfs", "/tmp:rw,exec,mode=1777", "--security-opt", "no-new-privileges:true"};
const Args kEnvAndMounts = {"--workdir", "/workspace", "--env", "A_VAR", "--env", "HOME", "--env", "TAKO_RUN_ID",
                            "--volume", "/src/app:/workspace", "--volume", "/ws/tmp/build:/tako"};
const Args kTail = {"localhost/tool:1", "sh", "-c", "make test"};

Args cat(std::initializer_list<Args> parts) {
  Args out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(RunArgs, StrictDefault) {
  auto a = build_run_args(base());
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(*a, cat({head("podman"), kHardening, {"--cap-drop", "ALL", "--network", "none"}, kEnvAndMounts, kTail}));
  RunRequest r = base();
  r.security_profile = "strict";
  EXPECT_EQ(*build_run_args(r), *a);
}

TEST(RunArgs, Moderate) {
  RunRequest r = base();
  r.security_profile = "moderate";
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), kHardening,
                     {"--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "SETUID", "--cap-add", "SETGID",
                      "--network", "none"},
                     kEnvAndMounts, kTail}));
}

TEST(RunArgs, MinimalDefaultsToBridge) {
  RunRequest r = base();
  r.security_profile = "minimal";
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), kHardening,
                     {"--cap-drop", "NET_RAW", "--cap-drop", "SYS_ADMIN", "--network", "bridge"}, kEnvAndMounts,
                     kTail}));
  r.network = "none";  // an explicit network wins over the profile's default
  EXPECT_EQ(build_run_args(r)->at(17), "none");
}

TEST(RunArgs, CapabilitiesUpperCasedWithoutPrefixAndOnce) {
  RunRequest r = base();
  r.security_profile = "moderate";
  r.capabilities = {"cap_net_admin", "Chown", "SYS_TIME", "NET_ADMIN"};
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), kHardening,
                     {"--cap-drop", "ALL", "--cap-add", "CHOWN", "--cap-add", "SETUID", "--cap-add", "SETGID",
                      "--cap-add", "NET_ADMIN", "--cap-add", "SYS_TIME", "--network", "none"},
                     kEnvAndMounts, kTail}));
  r.capabilities = {"NOT_A_CAP"};
  EXPECT_EQ(build_run_args(r).error().message, "invalid capability: NOT_A_CAP");
}

TEST(RunArgs, Networks) {
  RunRequest r = base();
  for (auto [given, passed] : std::vector<std::pair<std::string, std::string>>{
           {"default", "bridge"}, {"bridge", "bridge"}, {"host", "host"}, {"none", "none"}, {"my-net", "my-net"}}) {
    r.network = given;
    auto a = build_run_args(r);
    ASSERT_TRUE(a.ok());
    auto it = std::find(a->begin(), a->end(), "--network");
    ASSERT_NE(it, a->end());
    EXPECT_EQ(*(it + 1), passed) << given;
  }
  r.network = "bad net";
  EXPECT_EQ(build_run_args(r).error().message, "invalid network name: bad net");
}

TEST(RunArgs, RootlessPodmanKeepsIds) {
  RunRequest r = base();
  r.runtime.rootless = true;
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), {"--userns", "keep-id:uid=1001,gid=1001"}, kHardening,
                     {"--cap-drop", "ALL", "--network", "none"}, kEnvAndMounts, kTail}));
  r.runtime.version = "4.2.0";  // too old for keep-id with uid/gid
  EXPECT_EQ(*build_run_args(r), cat({head("podman"), kHardening, {"--cap-drop", "ALL", "--network", "none"},
                                     kEnvAndMounts, kTail}));
  r.runtime = Runtime{"docker", "24.0.7", true};
  EXPECT_EQ(*build_run_args(r), cat({head("docker"), kHardening, {"--cap-drop", "ALL", "--network", "none"},
                                     kEnvAndMounts, kTail}));
}

TEST(RunArgs, VolumesAfterTheFixedMounts) {
  RunRequest r = base();
  r.volumes = {{"/data/in", "/in", true}, {"/data/out", "/out", false}};
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), kHardening, {"--cap-drop", "ALL", "--network", "none"}, kEnvAndMounts,
                     {"--volume", "/data/in:/in:ro", "--volume", "/data/out:/out"}, kTail}));
}

TEST(RunArgs, VolumeErrors) {
  RunRequest r = base();
  r.volumes = {{"data", "/in", false}};
  EXPECT_EQ(build_run_args(r).error().message,
            "invalid volume source path: relative paths not allowed for volume mounts: data");
  r.volumes = {{"/data/../etc", "/in", false}};
  EXPECT_EQ(build_run_args(r).error().message,
            "invalid volume source path: path traversal detected in volume path: /data/../etc");
  r.volumes = {{"/data", "in", false}};
  EXPECT_EQ(build_run_args(r).error().message,
            "invalid volume destination path: relative paths not allowed for volume mounts: in");
  r.volumes = {{"/data", "/a/../b", false}};
  EXPECT_EQ(build_run_args(r).error().message,
            "invalid volume destination path: path traversal detected in volume path: /a/../b");
}

TEST(RunArgs, Limits) {
  RunRequest r = base();
  r.cpu_limit = "500m";
  r.mem_limit = "64Mi";
  r.disk_limit = "1GB";
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, cat({head("podman"), kHardening, {"--cap-drop", "ALL", "--network", "none"}, kEnvAndMounts,
                     {"--cpus", "0.5", "--memory", "67108864"}, kTail}));
  r.cpu_limit = "2";
  r.mem_limit = "512";  // no suffix: MB
  a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(Args(a->end() - 8, a->end() - 4), (Args{"--cpus", "2", "--memory", "512000000"}));
  r.cpu_limit = "1.5";
  r.mem_limit = "";
  a = build_run_args(r);
  EXPECT_EQ(Args(a->end() - 6, a->end() - 4), (Args{"--cpus", "1.5"}));
}

TEST(RunArgs, LimitErrors) {
  RunRequest r = base();
  r.cpu_limit = "lots";
  EXPECT_EQ(build_run_args(r).error().message, "invalid cpu value: lots");
  r.cpu_limit = "";
  r.mem_limit = "12XB";
  EXPECT_EQ(build_run_args(r).error().message, "invalid memory value: 12XB");
  r.mem_limit = "";
  r.disk_limit = "-1";
  EXPECT_EQ(build_run_args(r).error().message, "invalid disk value: -1");
}

TEST(RunArgs, ImageAndProfileErrors) {
  RunRequest r = base();
  r.image = "../evil";
  EXPECT_EQ(build_run_args(r).error().message, "invalid container image name: ../evil");
  r = base();
  r.security_profile = "paranoid";
  EXPECT_EQ(build_run_args(r).error().message, "invalid security profile: paranoid");
}

TEST(RunArgs, EnvNamesSortedAndUnique) {
  RunRequest r = base();
  r.env_names = {"b", "B", "a", "_X", "B"};
  auto a = build_run_args(r);
  ASSERT_TRUE(a.ok());
  Args env;
  for (size_t i = 0; i + 1 < a->size(); ++i) {
    if ((*a)[i] == "--env") env.push_back((*a)[i + 1]);
  }
  EXPECT_EQ(env, (Args{"B", "_X", "a", "b"}));  // byte order
}

TEST(ContainerName, RunAndStep) { EXPECT_EQ(container_name("20261207-1a2b", "build-1"), "tako-20261207-1a2b-build-1"); }

TEST(FormatCpus, Shortest) {
  EXPECT_EQ(format_cpus(0.5), "0.5");
  EXPECT_EQ(format_cpus(2), "2");
  EXPECT_EQ(format_cpus(0.25), "0.25");
  EXPECT_EQ(format_cpus(1.5), "1.5");
}

TEST(DisplayCommand, QuotesOnlyWhatNeedsIt) {
  EXPECT_EQ(display_command({"podman", "run", "--tmpfs", "/tmp:rw,exec,mode=1777", "img:1", "sh", "-c",
                             "echo 'hi' && true"}),
            "podman run --tmpfs /tmp:rw,exec,mode=1777 img:1 sh -c 'echo '\\''hi'\\'' && true'");
  EXPECT_EQ(display_command({"a", "", "b c", "$X"}), "a '' 'b c' '$X'");
}

}  // namespace
}  // namespace tako::container
