// Which origin URLs are GitHub repositories, and the URLs tako shows for them
// (REFERENCE.md §13.4, docs/BUILTINS.md). Pure functions: no git, no network.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tako::pr {

struct GithubRepo {
  std::string owner;
  std::string repo;  // without ".git"
  bool operator==(const GithubRepo&) const = default;
};

// The repository of a github.com remote URL: `https://github.com/o/r(.git)(/)`,
// `http://…`, `git@github.com:o/r(.git)`, `ssh://git@github.com(:port)/o/r(.git)`,
// `git://github.com/o/r`, with optional user info, host compared case-insensitively.
// nullopt for any other host, a path that is not exactly `<owner>/<repo>`, or names
// outside [A-Za-z0-9_.-].
std::optional<GithubRepo> github_repo_from_url(std::string_view url);

// `https://github.com/<owner>/<repo>/compare/<base>...<head>?expand=1`; bytes of `base`
// and `head` outside [A-Za-z0-9-._~/] are percent-encoded (branch names may hold `#`, `%`…).
std::string compare_url(const GithubRepo& repo, std::string_view base, std::string_view head);

// `url` with the password of its user info replaced by `***`
// (`https://x-access-token:***@github.com/o/r.git`), for log lines; other URLs unchanged.
std::string redact_url(std::string_view url);

}  // namespace tako::pr
