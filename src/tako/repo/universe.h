// The workspace universe (REFERENCE.md §3.5): every repository tako knows about in
// one invocation, each with its configuration loaded once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tako/config/config.h"
#include "tako/repo/resolver.h"
#include "tako/util/result.h"

namespace tako::repo {

struct Member {
  std::string identity;          // owner/repo (or a bare name), display form
  std::string path;              // absolute checkout path
  std::optional<std::string> ref;  // cache checkouts and --repo entries
  std::string source;            // entry | local | dependents | cache
  std::shared_ptr<const config::Config> config;
  // For each config->dependents[i]: the member it resolved to (-1 if unresolved).
  std::vector<int> dependents;
};

// Progress of the resolution of remote repositories (clones and updates), for a progress line:
// `total` grows as `dependents` lists reveal repositories not yet known.
struct ResolveProgress {
  int done = 0;         // resolved (or failed)
  int total = 0;        // known so far to need resolving
  int failed = 0;
  std::string current;  // the repository being resolved now ("" between two)
};
using ResolveProgressFn = std::function<void(const ResolveProgress&)>;

struct EntryOptions {
  std::optional<std::string> root;  // --root
  std::optional<std::string> repo;  // --repo owner/repo[:ref]
};

class Universe {
 public:
  // `strict`: graph/run semantics — an invalid entry or dependents target is an
  // error. Otherwise such members are excluded with a warning (fan-out).
  // `progress`, when set, is told before and after each repository the resolver resolves.
  static Result<Universe> build(Resolver& resolver, const EntryOptions& entry, bool strict,
                                const ResolveProgressFn& progress = {});

  const std::vector<Member>& members() const { return members_; }
  const Member& entry() const { return members_[0]; }
  // Case-insensitive identity lookup; -1 when absent.
  int find(const std::string& identity) const;

 private:
  void append(Member m);

  std::vector<Member> members_;
  std::unordered_map<std::string, int> index_;  // lowercased identity -> member
};

// §3.1: the entry directory (--root made absolute, else the current directory).
// Errors: TAKO_E003 when the current directory cannot be read.
Result<std::string> entry_directory(const std::optional<std::string>& root);

// Loads <dir>/tako.yml (read errors as "could not read config file: open <dir>/tako.yml: ...").
Result<std::shared_ptr<const config::Config>> load_repo_config(const std::string& dir);

}  // namespace tako::repo
