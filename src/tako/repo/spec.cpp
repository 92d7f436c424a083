#include "tako/repo/spec.h"

namespace tako::repo {

bool valid_name_part(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '.' || c == '-';
    if (!ok) return false;
  }
  return s != "." && s != "..";
}

Result<RepoSpec> parse_spec(std::string_view text) {
  auto bad = [&] {
    return Error{"TAKO_E005: invalid repository specification: " + std::string(text) +
                 " (expected format: owner/repo or owner/repo:branch)"};
  };
  RepoSpec spec;
  std::string_view body = text;
  if (auto colon = text.find(':'); colon != std::string_view::npos) {
    body = text.substr(0, colon);
    std::string_view ref = text.substr(colon + 1);
    if (ref.empty() || ref.find(':') != std::string_view::npos) return bad();
    // Refs become cache path components and git arguments: no control
    // characters, spaces, "..", or a leading '-' / '/'.
    if (ref.front() == '-' || ref.front() == '/' || ref.find("..") != std::string_view::npos) return bad();
    for (char c : ref) {
      if (c == ' ' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return bad();
    }
    spec.ref = std::string(ref);
    spec.ref_given = true;
  }
  auto slash = body.find('/');
  if (slash == std::string_view::npos || body.find('/', slash + 1) != std::string_view::npos) return bad();
  std::string_view owner = body.substr(0, slash);
  std::string_view name = body.substr(slash + 1);
  if (!valid_name_part(owner) || !valid_name_part(name)) return bad();
  spec.owner = std::string(owner);
  spec.name = std::string(name);
  return spec;
}

}  // namespace tako::repo
