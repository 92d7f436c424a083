// SHA-256 of a sequence of texts that share long prefixes, such as a state document between
// two writes (docs/STATE.md): the hash state after every kStride bytes of the previous text is
// kept, and the next text is hashed on from the last of those before its first differing byte.
// A fan-out's finished children sit at the front of its document and do not change, so a write
// hashes only what follows the first child that changed.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tako::util {

class PrefixSha256 {
 public:
  static constexpr std::size_t kStride = 16 * 1024;

  PrefixSha256();
  ~PrefixSha256();
  PrefixSha256(PrefixSha256&&) noexcept;
  PrefixSha256& operator=(PrefixSha256&&) noexcept;
  PrefixSha256(const PrefixSha256&) = delete;
  PrefixSha256& operator=(const PrefixSha256&) = delete;

  // Lowercase hex SHA-256 of `text`, the same as sha256_hex(text).
  std::string hex(std::string_view text);
  // Bytes the last hex() call hashed (the rest came from kept states; tests, diagnostics).
  std::size_t last_hashed() const { return last_hashed_; }

 private:
  struct Ctx;
  struct CtxFree {
    void operator()(Ctx* c) const;
  };
  using CtxPtr = std::unique_ptr<Ctx, CtxFree>;
  std::string prev_;           // the text of the last call
  std::vector<CtxPtr> marks_;  // marks_[i]: the state after (i + 1) * kStride bytes of prev_
  std::size_t last_hashed_ = 0;
};

}  // namespace tako::util
