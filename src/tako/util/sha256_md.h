// Internal to util, shared by sha256_hex and PrefixSha256. sha256_md: libcrypto's SHA-256,
// fetched once (EVP_sha256() looks the implementation up again at every digest, which costs
// more than hashing a path). digest_hex: a digest as lowercase hex.
#pragma once

#include <openssl/evp.h>

#include <string>

namespace tako::util {

const EVP_MD* sha256_md();
std::string digest_hex(const unsigned char* digest, unsigned int len);

}  // namespace tako::util
