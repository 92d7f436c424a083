#include "tako/pr/github_remote.h"

#include <vector>

#include "tako/util/strings.h"

namespace tako::pr {
namespace {

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

bool valid_name(std::string_view s) {
  if (s.empty() || s == "." || s == "..") return false;
  for (char c : s) {
    if (!name_char(c)) return false;
  }
  return true;
}

// "o/r", "/o/r.git", "o/r/" -> {o, r}.
std::optional<GithubRepo> repo_from_path(std::string_view path) {
  while (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  if (path.ends_with(".git")) path.remove_suffix(4);
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view owner = path.substr(0, slash);
  std::string_view repo = path.substr(slash + 1);
  if (!valid_name(owner) || !valid_name(repo)) return std::nullopt;
  return GithubRepo{std::string(owner), std::string(repo)};
}

bool is_github_host(std::string_view host) {
  return util::iequals(host, "github.com") || util::iequals(host, "www.github.com");
}

}  // namespace

std::optional<GithubRepo> github_repo_from_url(std::string_view raw) {
  std::string_view url = util::trim(raw);
  size_t scheme_end = url.find("://");
  if (scheme_end != std::string_view::npos) {
    std::string scheme = util::to_lower(url.substr(0, scheme_end));
    if (scheme != "https" && scheme != "http" && scheme != "ssh" && scheme != "git" && scheme != "git+ssh") {
      return std::nullopt;
    }
    std::string_view rest = url.substr(scheme_end + 3);
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    std::string_view authority = rest.substr(0, slash);
    if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    if (size_t colon = authority.find(':'); colon != std::string_view::npos) {
      std::string_view port = authority.substr(colon + 1);
      for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
      }
      authority = authority.substr(0, colon);
    }
    if (!is_github_host(authority)) return std::nullopt;
    return repo_from_path(rest.substr(slash));
  }
  // scp-like syntax: [user@]host:path, the ':' before any '/'.
  size_t colon = url.find(':');
  size_t slash = url.find('/');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && slash < colon)) return std::nullopt;
  std::string_view host = url.substr(0, colon);
  if (size_t at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  if (!is_github_host(host)) return std::nullopt;
  return repo_from_path(url.substr(colon + 1));
}

std::string compare_url(const GithubRepo& repo, std::string_view base, std::string_view head) {
  auto encode = [](std::string_view s) {
    static const char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
          c == '_' || c == '~' || c == '/') {
        out += c;
      } else {
        out += '%';
        out += kHex[u >> 4];
        out += kHex[u & 0xF];
      }
    }
    return out;
  };
  return "https://github.com/" + repo.owner + "/" + repo.repo + "/compare/" + encode(base) + "..." + encode(head) +
         "?expand=1";
}

std::string redact_url(std::string_view url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  size_t start = scheme_end + 3;
  size_t end = url.find('/', start);
  std::string_view authority = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  size_t colon = authority.find(':');
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  std::string out(url.substr(0, start + colon + 1));
  out += "***";
  out += url.substr(start + at);
  return out;
}

}  // namespace tako::pr
