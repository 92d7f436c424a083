// The starter tako.yml that `tako init` writes (REFERENCE.md §1.12). Pure functions: the
// command finds the repository and its origin; these decide the identity and the text.
#pragma once

#include <optional>
#include <string>

namespace tako::cli {

struct StarterIdentity {
  std::string name;          // metadata.name to write
  bool placeholder = false;  // no usable origin: `name` is a guess the user must edit
};

// `owner/repo` from the origin URL (REFERENCE.md §3.4 normalisation); without an origin, or one
// that yields no owner, the placeholder `your-org/<dir>` (<dir> = the directory name with every
// character outside [A-Za-z0-9_.-] replaced by '-', "repo" when nothing is left).
StarterIdentity starter_identity(const std::optional<std::string>& origin_url, const std::string& dir_name);

// The commented starter file: version, metadata, one workflow with an input and a step, and
// commented examples of dependents, artifacts, a fan-out step and a subscription. Valid as written.
std::string starter_config(const StarterIdentity& identity);

}  // namespace tako::cli
