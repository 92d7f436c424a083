// Path globs of `cache_key_files` (REFERENCE.md §7.13): `*` within one path segment,
// `**` any number of segments, `?` one character.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tako::util {

bool glob_match(std::string_view pattern, std::string_view path);

// Regular files below `root` (relative paths, sorted, `.git` skipped) matching any pattern.
std::vector<std::string> glob_files(const std::string& root, const std::vector<std::string>& patterns);

}  // namespace tako::util
