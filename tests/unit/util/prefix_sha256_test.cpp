#include "tako/util/prefix_sha256.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "tako/util/sha256.h"

namespace tako::util {
namespace {

constexpr std::size_t kStride = PrefixSha256::kStride;

std::string random_text(std::mt19937& rng, std::size_t n) {
  std::string s(n, ' ');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

TEST(PrefixSha256, KnownVectors) {
  PrefixSha256 h;
  EXPECT_EQ(h.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(h.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(h.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Texts that share prefixes of every kind of length with their predecessor (none, within the
// first stride, exactly on a stride boundary, all of a shorter or longer text, the whole text)
// hash exactly like a one-shot SHA-256.
TEST(PrefixSha256, EqualsOneShotHashWhateverThePrefixShared) {
  std::mt19937 rng(7);
  PrefixSha256 h;
  std::string prev;
  const std::size_t cuts[] = {0, 1, 100, kStride - 1, kStride, kStride + 1, 3 * kStride, 5 * kStride + 17};
  for (int round = 0; round < 60; ++round) {
    std::size_t keep = std::min(prev.size(), cuts[rng() % std::size(cuts)]);
    std::size_t len = keep + rng() % (3 * kStride);
    if (round % 7 == 3) len = keep;  // a text that is a prefix of the previous one
    std::string text = prev.substr(0, keep) + random_text(rng, len - keep);
    ASSERT_EQ(h.hex(text), sha256_hex(text)) << "round " << round << " keep " << keep << " len " << len;
    prev = text;
  }
  std::string same = prev;
  EXPECT_EQ(h.hex(same), sha256_hex(same));
}

TEST(PrefixSha256, HashesOnlyFromTheLastStrideBeforeTheFirstChange) {
  std::mt19937 rng(11);
  PrefixSha256 h;
  std::string text = random_text(rng, 20 * kStride + 500);
  h.hex(text);
  EXPECT_EQ(h.last_hashed(), text.size());
  text[15 * kStride + 3] = text[15 * kStride + 3] == 'a' ? 'b' : 'a';
  EXPECT_EQ(h.hex(text), sha256_hex(text));
  EXPECT_EQ(h.last_hashed(), text.size() - 15 * kStride);
  // A change in the first stride hashes everything again.
  text[2] = text[2] == 'a' ? 'b' : 'a';
  EXPECT_EQ(h.hex(text), sha256_hex(text));
  EXPECT_EQ(h.last_hashed(), text.size());
}

TEST(PrefixSha256, MovedHasherKeepsWorking) {
  std::mt19937 rng(3);
  PrefixSha256 a;
  std::string text = random_text(rng, 4 * kStride);
  a.hex(text);
  PrefixSha256 b(std::move(a));
  text.back() = '!';
  EXPECT_EQ(b.hex(text), sha256_hex(text));
  EXPECT_EQ(b.last_hashed(), text.size() - 3 * kStride);
}

}  // namespace
}  // namespace tako::util
