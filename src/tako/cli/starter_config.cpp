#include "tako/cli/starter_config.h"

#include "tako/repo/identity.h"

namespace tako::cli {

namespace {

bool repo_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == '-';
}

std::string sanitized(const std::string& dir_name) {
  std::string out;
  for (char c : dir_name) out.push_back(repo_char(c) ? c : '-');
  // "." and ".." are valid characters but not a useful repository name.
  if (out.find_first_not_of('.') == std::string::npos) return "repo";
  return out;
}

}  // namespace

StarterIdentity starter_identity(const std::optional<std::string>& origin_url, const std::string& dir_name) {
  if (origin_url) {
    if (auto id = repo::owner_repo_from_url(*origin_url)) {
      const std::string& s = *id;
      auto slash = s.find('/');
      bool ok = slash != std::string::npos && slash > 0 && slash + 1 < s.size() &&
                s.find('/', slash + 1) == std::string::npos;
      for (char c : s) ok = ok && (c == '/' || repo_char(c));
      if (ok) return {s, false};
    }
  }
  return {"your-org/" + sanitized(dir_name), true};
}

std::string starter_config(const StarterIdentity& identity) {
  std::string name_line = "  name: " + identity.name;
  if (identity.placeholder) name_line += "   # placeholder: no 'origin' remote was found; set owner/repo";
  return "# tako.yml: how tako sees this repository.\n"
         "# Check it with `tako validate`; list its workflows with `tako list`.\n"
         "# Editors: `tako schema > .tako.schema.json` and the first line\n"
         "#   # yaml-language-server: $schema=.tako.schema.json\n"
         "# give completion and checks through yaml-language-server.\n"
         "\n"
         "version: \"1\"\n"
         "\n"
         "metadata:\n" +
         name_line +
         "\n"
         "  description: \"\"\n"
         "\n"
         "# Repositories that build on this one (`tako graph`, `tako run` follow these edges):\n"
         "# dependents:\n"
         "#   - repo: owner/downstream-repo     # or owner/downstream-repo:branch\n"
         "#     artifacts: [library]\n"
         "\n"
         "# What this repository publishes; other repositories subscribe to owner/repo:<artifact>.\n"
         "# artifacts:\n"
         "#   library:\n"
         "#     path: .\n"
         "#     ecosystem: go\n"
         "\n"
         "workflows:\n"
         "  # Run with: tako exec build --inputs.verbose=true\n"
         "  build:\n"
         "    description: Build and test this repository\n"
         "    inputs:\n"
         "      verbose:\n"
         "        type: boolean\n"
         "        description: Print more output\n"
         "        default: false\n"
         "    steps:\n"
         "      - id: build\n"
         "        name: Build and test\n"
         "        run: echo \"replace with the build and test commands (verbose={{ .inputs.verbose }})\"\n"
         "      # Tell subscribers that a new version exists (needs `artifacts:` above):\n"
         "      # - id: announce\n"
         "      #   uses: tako/fan-out@v1\n"
         "      #   with:\n"
         "      #     event_type: library_built\n"
         "      #     artifact: library\n"
         "      #     payload:\n"
         "      #       version: \"1.2.3\"\n"
         "\n"
         "# Run a workflow of this repository when another repository emits an event:\n"
         "# subscriptions:\n"
         "#   - artifact: owner/upstream-repo:library\n"
         "#     events: [library_built]\n"
         "#     workflow: build\n";
}

}  // namespace tako::cli
