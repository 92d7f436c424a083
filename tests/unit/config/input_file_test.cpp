// issue 15: tako.yml is read only when it is a regular file of at most 1 MiB,
// and NUL bytes / NUL characters are positioned load errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "tako/util/input_file.h"
#include "test_support.h"

namespace tako::config {
namespace {

using testing::ConfigFile;
using testing::validate_text;

const std::string kPrefix = "could not read config file: read ";

TEST(InputFile, SymlinkToDevZeroIsRefused) {
  util::TempDir dir("tako-config-test");
  const std::string path = dir.path() + "/tako.yml";
  std::filesystem::create_symlink("/dev/zero", path);
  auto r = validate_file(path);
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, kPrefix + path + ": is a character device, not a regular file");
}

TEST(InputFile, FifoIsRefusedWithoutBlocking) {
  util::TempDir dir("tako-config-test");
  const std::string path = dir.path() + "/tako.yml";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  // Opening a FIFO for reading blocks until a writer comes: no writer here,
  // so a regression hangs (and the ctest timeout fails it).
  auto r = validate_file(path);
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, kPrefix + path + ": is a FIFO, not a regular file");
}

TEST(InputFile, SocketIsRefused) {
  util::TempDir dir("tako-config-test");
  const std::string path = dir.path() + "/tako.yml";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  util::UniqueFd owner(fd);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  std::copy(path.begin(), path.end(), addr.sun_path);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto r = validate_file(path);
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, kPrefix + path + ": is a socket, not a regular file");
}

TEST(InputFile, OverOneMiBIsRefused) {
  std::string text = "version: \"1\"\n# ";
  text += std::string(util::kMaxInputFileBytes - text.size() - 1, 'x') + "\n";
  ASSERT_EQ(text.size(), util::kMaxInputFileBytes);
  {
    ConfigFile exact(text);  // exactly the limit: read
    auto r = validate_file(exact.path());
    EXPECT_FALSE(r.load_error) << *r.load_error;
  }
  ConfigFile over(text + "\n");
  auto r = validate_file(over.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, kPrefix + over.path() + ": file is larger than the 1 MiB limit");
}

TEST(InputFile, NulByteIsAPositionedLoadError) {
  ConfigFile f(std::string("version: \"1\"\nworkflows:\n  w:\n    steps:\n      - run: \"echo a\0rm -rf x\"\n", 63));
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error, "could not unmarshal config: " + f.path() + ":5:21: NUL byte in YAML text is not allowed");
}

TEST(InputFile, EscapedNulInAScalarIsAPositionedLoadError) {
  // `"\0"` is a valid YAML escape, but a command or argument would be cut at it.
  ConfigFile f("version: \"1\"\nworkflows:\n  w:\n    steps:\n      - run: \"echo a\\0rm -rf x\"\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error,
            "could not unmarshal config: " + f.path() + ":5:14: NUL character (\\0) in a scalar is not allowed");
}

TEST(InputFile, UnterminatedQuoteDoesNotSwallowTheFile) {
  ConfigFile f("version: \"1\"\nworkflows:\n  w:\n    steps:\n      - run: \"echo start\n      - run: echo second\n");
  auto r = validate_file(f.path());
  ASSERT_TRUE(r.load_error);
  EXPECT_EQ(*r.load_error,
            "could not unmarshal config: " + f.path() + ":5:14: wrongly indented double-quoted scalar");
}

TEST(InputFile, LoadFromString) {
  auto r = validate_string("/virtual/tako.yml", "version: \"1\"\nworkflows:\n  w:\n    steps: [echo hi]\n");
  EXPECT_FALSE(r.load_error);
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.config.path, "/virtual/tako.yml");
  auto l = load_string("/virtual/tako.yml", "version: [\n");
  ASSERT_FALSE(l.ok());
  EXPECT_EQ(l.error().message.rfind("could not unmarshal config: /virtual/tako.yml:2:1: ", 0), 0u)
      << l.error().message;
}

}  // namespace
}  // namespace tako::config
