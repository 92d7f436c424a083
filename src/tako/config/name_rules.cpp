#include "tako/config/name_rules.h"

namespace tako::config {
namespace {

bool alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool lower(char c) { return c >= 'a' && c <= 'z'; }

template <class First, class Rest>
bool match(std::string_view s, First first, Rest rest) {
  if (s.empty() || !first(s[0])) return false;
  for (size_t i = 1; i < s.size(); ++i) {
    if (!rest(s[i])) return false;
  }
  return true;
}

bool repo_char(char c) { return alpha(c) || digit(c) || c == '_' || c == '.' || c == '-'; }

bool repo_part(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!repo_char(c)) return false;
  }
  return true;
}

}  // namespace

bool is_name(std::string_view s) {
  return match(s, alpha, [](char c) { return alpha(c) || digit(c) || c == '_' || c == '-'; });
}

bool is_id(std::string_view s) {
  return match(s, [](char c) { return alpha(c) || c == '_'; },
               [](char c) { return alpha(c) || digit(c) || c == '_' || c == '-'; });
}

bool is_env_name(std::string_view s) {
  return match(s, [](char c) { return alpha(c) || c == '_'; },
               [](char c) { return alpha(c) || digit(c) || c == '_'; });
}

bool is_event_type(std::string_view s) {
  return match(s, lower, [](char c) { return lower(c) || digit(c) || c == '_'; });
}

bool is_semver(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    while (i < s.size() && digit(s[i])) ++i;
    if (i == start) return false;
    ++parts;
    if (i == s.size()) return parts == 3;
    if (s[i] != '.' || parts == 3) return false;
    ++i;
  }
}

bool is_owner_repo(std::string_view s) {
  size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  return repo_part(s.substr(0, slash)) && repo_part(s.substr(slash + 1));
}

bool is_repo_spec(std::string_view s) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return is_owner_repo(s);
  return is_owner_repo(s.substr(0, colon)) && colon + 1 < s.size();
}

bool is_metadata_name(std::string_view s) { return is_owner_repo(s) || repo_part(s); }

std::string name_rule_text() {
  return "must start with a letter and contain only letters, numbers, underscores, and hyphens";
}
std::string id_rule_text() {
  return "must start with a letter or underscore and contain only letters, numbers, underscores, and hyphens";
}
std::string env_rule_text() {
  return "must start with a letter or underscore and contain only letters, numbers, and underscores";
}
std::string snake_case_text() { return "must be snake_case (lowercase letters, numbers, underscores only)"; }

std::optional<ArtifactRef> parse_artifact_ref(std::string_view ref, std::string* error) {
  auto fail = [&](std::string msg) -> std::optional<ArtifactRef> {
    if (error) *error = std::move(msg);
    return std::nullopt;
  };
  const std::string a(ref);
  if (ref.empty()) return fail("artifact reference cannot be empty");
  size_t colon = ref.find(':');
  if (colon == std::string_view::npos) {
    return fail("artifact reference '" + a + "' must be in format 'repo:artifact'");
  }
  std::string repo(ref.substr(0, colon));
  std::string name(ref.substr(colon + 1));
  size_t slash = repo.find('/');
  if (slash == std::string::npos || repo.find('/', slash + 1) != std::string::npos) {
    return fail("repository '" + repo + "' must be in format 'owner/repo'");
  }
  if (slash == 0 || slash + 1 == repo.size()) {
    return fail("repository '" + repo + "' has empty owner or repo name");
  }
  if (name.empty()) return fail("artifact name cannot be empty in reference '" + a + "'");
  if (name != "*" && !is_name(name)) {
    return fail("artifact name '" + name + "' " + name_rule_text());
  }
  return ArtifactRef{repo, name};
}

}  // namespace tako::config
