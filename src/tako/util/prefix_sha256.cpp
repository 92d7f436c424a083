#include "tako/util/prefix_sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "tako/util/sha256_md.h"

namespace tako::util {

// EVP_MD_CTX is opaque; Ctx only gives the unique_ptr a complete type to point at.
struct PrefixSha256::Ctx {
  EVP_MD_CTX* md;
};

void PrefixSha256::CtxFree::operator()(Ctx* c) const {
  EVP_MD_CTX_free(c->md);
  delete c;
}

namespace {

// Length of the common prefix of a and b; memcmp by blocks, which is vectorised (std::mismatch on
// chars goes byte by byte).
std::size_t common_prefix(std::string_view a, std::string_view b) {
  constexpr std::size_t kBlock = 4096;
  const std::size_t n = std::min(a.size(), b.size());
  std::size_t pos = 0;
  while (pos + kBlock <= n && std::memcmp(a.data() + pos, b.data() + pos, kBlock) == 0) pos += kBlock;
  while (pos < n && a[pos] == b[pos]) ++pos;
  return pos;
}

void check(int ok) {
  if (ok != 1) throw std::runtime_error("SHA-256 (libcrypto) failed");
}

}  // namespace

PrefixSha256::PrefixSha256() = default;
PrefixSha256::~PrefixSha256() = default;
PrefixSha256::PrefixSha256(PrefixSha256&&) noexcept = default;
PrefixSha256& PrefixSha256::operator=(PrefixSha256&&) noexcept = default;

std::string PrefixSha256::hex(std::string_view text) {
  const std::size_t common = common_prefix(text, prev_);
  // Kept states that cover only bytes both texts share.
  const std::size_t keep = std::min(common / kStride, marks_.size());
  marks_.resize(keep);
  CtxPtr ctx(new Ctx{EVP_MD_CTX_new()});
  if (ctx->md == nullptr) throw std::bad_alloc();
  std::size_t pos = 0;
  if (keep == 0) {
    check(EVP_DigestInit_ex(ctx->md, sha256_md(), nullptr));
  } else {
    check(EVP_MD_CTX_copy_ex(ctx->md, marks_.back()->md));
    pos = keep * kStride;
  }
  last_hashed_ = text.size() - pos;
  for (; pos + kStride <= text.size(); pos += kStride) {
    check(EVP_DigestUpdate(ctx->md, text.data() + pos, kStride));
    CtxPtr mark(new Ctx{EVP_MD_CTX_new()});
    if (mark->md == nullptr) throw std::bad_alloc();
    check(EVP_MD_CTX_copy_ex(mark->md, ctx->md));
    marks_.push_back(std::move(mark));
  }
  check(EVP_DigestUpdate(ctx->md, text.data() + pos, text.size() - pos));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  check(EVP_DigestFinal_ex(ctx->md, digest, &len));
  prev_.assign(text);
  return digest_hex(digest, len);
}

}  // namespace tako::util
