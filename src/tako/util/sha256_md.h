// The SHA-256 implementation of libcrypto, fetched once (internal to util): EVP_sha256()
// looks the implementation up again at every digest, which costs more than hashing a path.
#pragma once

#include <openssl/evp.h>

namespace tako::util {

const EVP_MD* sha256_md();

}  // namespace tako::util
