#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "tako/deps/detect.h"

using namespace tako::deps;

namespace {

TEST(Detect, NamesRoundTrip) {
  for (Ecosystem e : kEcosystems) EXPECT_EQ(parse_ecosystem(ecosystem_name(e)), e);
  EXPECT_FALSE(parse_ecosystem("rubygems"));
  EXPECT_FALSE(parse_ecosystem(""));
  EXPECT_EQ(default_file(Ecosystem::Cargo), "Cargo.toml");
  EXPECT_EQ(lock_tool(Ecosystem::Go), "go");
  EXPECT_EQ(lock_tool(Ecosystem::Npm), "npm");
  EXPECT_EQ(lock_tool(Ecosystem::Cargo), "cargo");
  EXPECT_FALSE(lock_tool(Ecosystem::Maven));
  EXPECT_FALSE(lock_tool(Ecosystem::Pip));
}

TEST(Detect, EcosystemOfPath) {
  EXPECT_EQ(ecosystem_of_path("go.mod"), Ecosystem::Go);
  EXPECT_EQ(ecosystem_of_path("web/package.json"), Ecosystem::Npm);
  EXPECT_EQ(ecosystem_of_path("svc/pom.xml"), Ecosystem::Maven);
  EXPECT_EQ(ecosystem_of_path("crates/x/Cargo.toml"), Ecosystem::Cargo);
  EXPECT_EQ(ecosystem_of_path("requirements-dev.txt"), Ecosystem::Pip);
  EXPECT_EQ(ecosystem_of_path("reqs/base.txt"), Ecosystem::Pip);
  EXPECT_FALSE(ecosystem_of_path(".txt"));
  EXPECT_FALSE(ecosystem_of_path("cargo.toml"));
  EXPECT_FALSE(ecosystem_of_path("build.gradle"));
}

TEST(Detect, PathEscapes) {
  EXPECT_TRUE(path_escapes("/etc/passwd"));
  EXPECT_TRUE(path_escapes(".."));
  EXPECT_TRUE(path_escapes("../x/go.mod"));
  EXPECT_TRUE(path_escapes("a/../../go.mod"));
  EXPECT_TRUE(path_escapes("a/.."));
  EXPECT_FALSE(path_escapes("a/..b/go.mod"));
  EXPECT_FALSE(path_escapes("./go.mod"));
  EXPECT_FALSE(path_escapes("sub/go.mod"));
}

TEST(Detect, FirstPresentFileInOrder) {
  auto dir = std::filesystem::temp_directory_path() / ("tako-detect-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto touch = [&](const char* n) { std::ofstream(dir / n) << ""; };
  EXPECT_FALSE(detect_ecosystem(dir.string()));
  std::filesystem::create_directories(dir / "go.mod");  // a directory does not count
  EXPECT_FALSE(detect_ecosystem(dir.string()));
  touch("requirements.txt");
  EXPECT_EQ(detect_ecosystem(dir.string()), Ecosystem::Pip);
  touch("Cargo.toml");
  EXPECT_EQ(detect_ecosystem(dir.string()), Ecosystem::Cargo);
  touch("pom.xml");
  EXPECT_EQ(detect_ecosystem(dir.string()), Ecosystem::Maven);
  touch("package.json");
  EXPECT_EQ(detect_ecosystem(dir.string()), Ecosystem::Npm);
  std::filesystem::remove(dir / "go.mod");
  touch("go.mod");
  EXPECT_EQ(detect_ecosystem(dir.string()), Ecosystem::Go);
  std::filesystem::remove_all(dir);
}

TEST(Detect, UpdateDispatches) {
  EXPECT_TRUE(update(Ecosystem::Go, "require a v1\n", "a", "2")->changed);
  EXPECT_TRUE(update(Ecosystem::Npm, "{\"dependencies\":{\"a\":\"1\"}}", "a", "2")->changed);
  EXPECT_TRUE(update(Ecosystem::Maven, "<p><dependency><artifactId>a</artifactId><version>1</version></dependency></p>", "a", "2")
                  ->changed);
  EXPECT_TRUE(update(Ecosystem::Cargo, "[dependencies]\na = \"1\"\n", "a", "2")->changed);
  EXPECT_TRUE(update(Ecosystem::Pip, "a==1\n", "a", "2")->changed);
}

}  // namespace
