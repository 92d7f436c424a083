// Semantic versions (SemVer 2.0 precedence) and the version-range grammar of
// REFERENCE.md §10.5, shared by the CEL `semver.*` functions, fan-out subscription
// matching (`schema_version`) and the config validator (§4.6).
//
//   auto v = tako::cel::semver::parse_version("v1.4.0-rc.1+build.5");
//   auto r = tako::cel::semver::parse_range(">=1.0.0 <2.0.0");
//   bool ok = r->satisfied_by(*v);
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tako/util/result.h"

namespace tako::cel::semver {

struct Version {
  uint64_t major = 0;
  uint64_t minor = 0;
  uint64_t patch = 0;
  std::vector<std::string> prerelease;  // dot-separated identifiers
  std::string build;                    // ignored for precedence
};

// `v?MAJOR.MINOR.PATCH(-prerelease)?(+build)?` (no leading zeros in numeric
// identifiers). Error: "semver: invalid version '<s>'".
Result<Version> parse_version(std::string_view s);

// SemVer 2.0 precedence: -1, 0 or 1 (build metadata ignored).
int compare(const Version& a, const Version& b);

class Range {
 public:
  enum class Op : uint8_t { Eq, Gt, Ge, Lt, Le, Caret, Tilde };
  struct Comparator {
    Op op;
    Version version;
  };
  bool satisfied_by(const Version& v) const;
  const std::vector<Comparator>& comparators() const { return comparators_; }

 private:
  friend Result<Range> parse_range(std::string_view text);
  std::vector<Comparator> comparators_;  // all must hold
};

// The §10.5 grammar. Error: "semver: invalid range '<r>'".
Result<Range> parse_range(std::string_view text);

// Config validation (§4.6): ok, or the error
// "invalid version range format '<r>'. Supported formats: ^1.0.0, ~1.0.0, 1.0.0, >=1.0.0 <2.0.0, (1.0.0...2.0.0], [1.0.0...2.0.0)".
Status validate_range(std::string_view text);

// Convenience: does `version` (parse_version syntax) satisfy `range`?
Result<bool> satisfies(std::string_view version, std::string_view range);

}  // namespace tako::cel::semver
