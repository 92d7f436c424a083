// The argument lists of the git and gh commands of `tako/create-pull-request@v1`
// (REFERENCE.md §13.4, docs/BUILTINS.md), as data so they can be checked without running them.
#pragma once

#include <string>
#include <vector>

namespace tako::pr {

struct PullRequestRequest {
  std::string title;
  std::string body;
  std::string base;
  std::string head;
  bool draft = false;
};

// `pr create --title <t> --body <b> --base <base> --head <head> [--draft]` (without "gh").
std::vector<std::string> gh_pr_create_args(const PullRequestRequest& req);

// git arguments (without "git") of the commit: `[-c user.name=tako] [-c user.email=tako@localhost]
// commit -m <message>`, the `-c` fallbacks only for what git's configuration does not set.
std::vector<std::string> commit_args(const std::string& message, bool config_has_name, bool config_has_email);

}  // namespace tako::pr
