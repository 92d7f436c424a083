#include "tako/util/glob.h"

#include <algorithm>
#include <filesystem>

#include "tako/util/strings.h"

namespace tako::util {

namespace {

// Matches one segment against a pattern segment with * and ?.
bool match_segment(std::string_view p, std::string_view s) {
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi;
      ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool match_parts(const std::vector<std::string>& p, size_t i, const std::vector<std::string>& s, size_t j) {
  if (i == p.size()) return j == s.size();
  if (p[i] == "**") {
    for (size_t k = j; k <= s.size(); ++k) {
      if (match_parts(p, i + 1, s, k)) return true;
    }
    return false;
  }
  if (j == s.size()) return false;
  return match_segment(p[i], s[j]) && match_parts(p, i + 1, s, j + 1);
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) {
  std::string pat(pattern);
  while (pat.rfind("./", 0) == 0) pat.erase(0, 2);
  return match_parts(split(pat, '/'), 0, split(path, '/'), 0);
}

std::vector<std::string> glob_files(const std::string& root, const std::vector<std::string>& patterns) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (it->is_directory(ec) && p.filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    std::string rel = fs::relative(p, root, ec).generic_string();
    for (const auto& pattern : patterns) {
      if (glob_match(pattern, rel)) {
        out.push_back(rel);
        break;
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace tako::util
