// Name patterns of REFERENCE.md §4.1 and the reference syntaxes built on them
// (dependents repo, metadata.name, subscription artifact references).
// Hand-written matchers: no std::regex on untrusted, unbounded input.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tako::config {

bool is_name(std::string_view s);     // ^[A-Za-z][A-Za-z0-9_-]*$   workflows, artifacts
bool is_id(std::string_view s);       // ^[A-Za-z_][A-Za-z0-9_-]*$  step ids, input names, outputs
bool is_env_name(std::string_view s); // ^[A-Za-z_][A-Za-z0-9_]*$   variables, secrets
bool is_event_type(std::string_view s);  // ^[a-z][a-z0-9_]*$
bool is_semver(std::string_view s);      // ^\d+\.\d+\.\d+$

// `owner/repo` with both parts non-empty and made of [A-Za-z0-9_.-] (REFERENCE.md §3.2).
bool is_owner_repo(std::string_view s);
// `owner/repo` or `owner/repo:<non-empty ref>`.
bool is_repo_spec(std::string_view s);
// metadata.name: `owner/repo` or a bare `repo`.
bool is_metadata_name(std::string_view s);

// Fixed message fragments shared by several rules.
std::string name_rule_text();  // "must start with a letter and contain only letters, numbers, underscores, and hyphens"
std::string id_rule_text();    // "must start with a letter or underscore and contain only letters, numbers, underscores, and hyphens"
std::string env_rule_text();   // "must start with a letter or underscore and contain only letters, numbers, and underscores"
std::string snake_case_text(); // "must be snake_case (lowercase letters, numbers, underscores only)"

// A subscription artifact reference `owner/repo:<NAME or *>` (REFERENCE.md §4.6).
struct ArtifactRef {
  std::string repo;  // owner/repo
  std::string name;  // NAME or "*"
};
// Parses and validates; on failure returns the message after
// "invalid artifact reference: " in `error`.
std::optional<ArtifactRef> parse_artifact_ref(std::string_view ref, std::string* error);

}  // namespace tako::config
