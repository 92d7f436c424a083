// SHA-256 (libssl) as lowercase hex.
#pragma once

#include <string>
#include <string_view>

namespace tako::util {

std::string sha256_hex(std::string_view data);

}  // namespace tako::util
