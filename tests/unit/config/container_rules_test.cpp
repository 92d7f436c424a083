// Container field syntax (REFERENCE.md §12.2, §12.3).
#include <gtest/gtest.h>

#include "tako/config/container_rules.h"

namespace tako::config {
namespace {

TEST(ContainerRules, ImageNames) {
  for (const char* ok : {"alpine", "alpine:3.19", "library/alpine:latest", "ghcr.io/org/app:1.0",
                         "localhost:5000/team/app", "registry.example.com:443/a/b/c:v1_2-3",
                         "alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                         "my_image__x", "a-b--c"}) {
    EXPECT_FALSE(check_image_name(ok)) << ok;
  }
  for (const char* bad : {"", "Alpine", "alpine:", "../alpine", "a/../b", "alpine!", "alpine:la!test", "a b",
                          "alpine@sha256:xyz", "-alpine", "alpine:-x", "ghcr.io/"}) {
    EXPECT_EQ(check_image_name(bad).value_or(""), std::string("invalid container image name: ") + bad) << bad;
  }
}

TEST(ContainerRules, Networks) {
  for (const char* ok : {"none", "host", "bridge", "default", "my-net", "net_1.x"}) EXPECT_FALSE(check_network(ok));
  EXPECT_EQ(*check_network("my net"), "invalid network name: my net");
  EXPECT_EQ(*check_network("-x"), "invalid network name: -x");
}

TEST(ContainerRules, Capabilities) {
  EXPECT_FALSE(check_capability("NET_ADMIN"));
  EXPECT_FALSE(check_capability("cap_chown"));
  EXPECT_EQ(normalize_capability("cap_chown"), "CHOWN");
  EXPECT_EQ(*check_capability("ALL"), "invalid capability: ALL");
  EXPECT_EQ(*check_capability("FLY"), "invalid capability: FLY");
}

TEST(ContainerRules, SecurityProfileAndVolumes) {
  EXPECT_FALSE(check_security_profile("minimal"));
  EXPECT_EQ(*check_security_profile("none"), "invalid security profile: none");
  EXPECT_FALSE(check_volume_path("source", "/data/x"));
  EXPECT_FALSE(check_volume_path("source", "/data/x..y"));
  EXPECT_EQ(*check_volume_path("source", "data"),
            "invalid volume source path: relative paths not allowed for volume mounts: data");
  EXPECT_EQ(*check_volume_path("destination", "/a/.."),
            "invalid volume destination path: path traversal detected in volume path: /a/..");
}

TEST(ContainerRules, Resources) {
  EXPECT_EQ(*parse_cpu_limit("1.5"), 1.5);
  EXPECT_EQ(*parse_cpu_limit("500m"), 0.5);
  EXPECT_EQ(*parse_cpu_limit("2"), 2.0);
  EXPECT_FALSE(parse_cpu_limit("m"));
  EXPECT_FALSE(parse_cpu_limit("1.5 cores"));
  EXPECT_FALSE(parse_cpu_limit("-1"));
  EXPECT_EQ(*parse_size_limit("512"), 512000000u);
  EXPECT_EQ(*parse_size_limit("100B"), 100u);
  EXPECT_EQ(*parse_size_limit("2KB"), 2000u);
  EXPECT_EQ(*parse_size_limit("1GB"), 1000000000u);
  EXPECT_EQ(*parse_size_limit("1Ki"), 1024u);
  EXPECT_EQ(*parse_size_limit("1KiB"), 1024u);
  EXPECT_EQ(*parse_size_limit("1.5Gi"), 1610612736u);
  EXPECT_EQ(*parse_size_limit("256MiB"), 268435456u);
  EXPECT_FALSE(parse_size_limit("1TB"));
  EXPECT_FALSE(parse_size_limit("MB"));
  EXPECT_FALSE(parse_size_limit("1 MB"));
  EXPECT_FALSE(parse_size_limit("1e3"));
}

}  // namespace
}  // namespace tako::config
