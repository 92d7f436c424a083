#include "tako/pr/pr_commands.h"

namespace tako::pr {

std::vector<std::string> gh_pr_create_args(const PullRequestRequest& req) {
  std::vector<std::string> args{"pr",   "create",  "--title", req.title, "--body",
                                req.body, "--base", req.base,  "--head",  req.head};
  if (req.draft) args.emplace_back("--draft");
  return args;
}

std::vector<std::string> commit_args(const std::string& message, bool config_has_name, bool config_has_email) {
  std::vector<std::string> args;
  if (!config_has_name) {
    args.emplace_back("-c");
    args.emplace_back("user.name=tako");
  }
  if (!config_has_email) {
    args.emplace_back("-c");
    args.emplace_back("user.email=tako@localhost");
  }
  args.emplace_back("commit");
  args.emplace_back("-m");
  args.push_back(message);
  return args;
}

}  // namespace tako::pr
