// The "billion laughs" input the YAML and data-document tests share: seven levels of
// ten aliases each, 10^7 nodes once expanded, far past the 1,000,000-node limit.
#pragma once

#include <string>

namespace tako::yaml::testing {

inline std::string alias_bomb() {
  std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
  const char* names = "abcdefg";
  for (int i = 1; i < 7; ++i) {
    bomb += std::string(1, names[i]) + ": &" + names[i] + " [";
    for (int k = 0; k < 10; ++k) bomb += std::string(k ? "," : "") + "*" + names[i - 1];
    bomb += "]\n";
  }
  return bomb;
}

}  // namespace tako::yaml::testing
