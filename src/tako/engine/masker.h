// Secret masking (REFERENCE.md §7.7): every non-empty secret value, longest first, is
// replaced by "***" in every printed line, log line, error message and state field.
//
// A multi-line secret is masked whole and, because tako prints and logs output
// line by line, also line by line: each of its lines (without surrounding white
// space, when something is left) is registered as a secret of its own.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace tako::engine {

class Masker {
 public:
  Masker() = default;
  explicit Masker(std::vector<std::string> secrets);
  void add(const std::string& secret);
  bool empty() const { return secrets_.empty(); }
  std::string mask(std::string_view text) const;
  // Masks every string (and every object key) inside `value`, in place.
  void mask_json(nlohmann::json& value) const;

 private:
  void add_one(std::string secret);
  std::vector<std::string> secrets_;  // non-empty, longest first
};

}  // namespace tako::engine
