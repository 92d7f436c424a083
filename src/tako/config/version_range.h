// Schema-version ranges of subscriptions (SPEC §10.5):
//   range    := interval | compare (SP+ compare)*
//   interval := ("(" | "[") version "..." [version] ("]" | ")")
//   compare  := ["^" | "~" | "=" | ">=" | ">" | "<=" | "<"] version
// Versions are X.Y.Z with digits only (any length; compared numerically).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tako::config {

struct Version {
  std::string major, minor, patch;  // digits, leading zeros removed ("0" for zero)
};
std::optional<Version> parse_version(std::string_view s);
int compare_versions(const Version& a, const Version& b);  // -1, 0, 1

class VersionRange {
 public:
  // nullopt when `text` does not follow the grammar.
  static std::optional<VersionRange> parse(std::string_view text);
  // True when `version` (X.Y.Z) satisfies the range; a version that is not
  // X.Y.Z never does.
  bool satisfies(std::string_view version) const;
  bool satisfies(const Version& v) const;

 private:
  enum class Op { Eq, Caret, Tilde, Ge, Gt, Le, Lt };
  struct Comparator {
    Op op;
    Version v;
  };
  std::vector<Comparator> comparators_;  // all must hold
};

// The fixed message of §4.6 for an invalid range, after "invalid schema version: ".
std::string invalid_range_message(std::string_view range);

}  // namespace tako::config
