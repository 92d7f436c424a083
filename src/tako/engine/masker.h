// Secret masking (SPEC §7.7): every non-empty secret value, longest first, is
// replaced by "***" in every printed line, log line, error message and state field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tako::engine {

class Masker {
 public:
  Masker() = default;
  explicit Masker(std::vector<std::string> secrets);
  void add(const std::string& secret);
  bool empty() const { return secrets_.empty(); }
  std::string mask(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // non-empty, longest first
};

}  // namespace tako::engine
