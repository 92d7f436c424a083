// Small commands: version, completion, and the ones later issues fill in.
#include <cstdio>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/output.h"
#include "tako/util/version.h"

namespace tako::cli {

namespace {
void print(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

std::string words(bool with_sub) {
  std::string out;
  for (const auto& c : command_table()) {
    bool sub = c.path.find(' ') != std::string::npos;
    if (sub != with_sub) continue;
    if (!out.empty()) out += ' ';
    out += sub ? c.path.substr(c.path.find(' ') + 1) : c.path;
  }
  return out;
}

std::string all_flags() {
  std::string out = "--root --repo --local --cache-dir --no-color --help --json";
  for (const auto& c : command_table()) {
    for (const auto& f : c.flags) {
      std::string w = "--" + f.name;
      if (out.find(w + " ") == std::string::npos && !out.ends_with(w)) out += " " + w;
    }
  }
  return out;
}
}  // namespace

int cmd_version(const Invocation& inv) {
  if (inv.global.json) {
    print(std::string("{\"version\":\"") + kVersion + "\"}\n");
  } else {
    print(std::string(kVersion) + "\n");
  }
  return 0;
}

int cmd_completion(const Invocation& inv) {
  const std::string& shell = inv.args[0];
  const std::string cmds = words(false);
  const std::string subs = words(true);
  const std::string flags = all_flags();
  if (shell == "bash") {
    print("# bash completion for tako\n"
          "_tako() {\n"
          "  local cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
          "  if [[ \"$cur\" == -* ]]; then\n"
          "    COMPREPLY=( $(compgen -W \"" + flags + "\" -- \"$cur\") )\n"
          "  elif [[ $COMP_CWORD -eq 1 ]]; then\n"
          "    COMPREPLY=( $(compgen -W \"" + cmds + "\" -- \"$cur\") )\n"
          "  elif [[ \"${COMP_WORDS[1]}\" == cache || \"${COMP_WORDS[1]}\" == workspace ]]; then\n"
          "    COMPREPLY=( $(compgen -W \"" + subs + "\" -- \"$cur\") )\n"
          "  elif [[ \"${COMP_WORDS[1]}\" == completion ]]; then\n"
          "    COMPREPLY=( $(compgen -W \"bash zsh fish\" -- \"$cur\") )\n"
          "  fi\n"
          "}\n"
          "complete -F _tako tako\n");
  } else if (shell == "zsh") {
    print("#compdef tako\n"
          "# zsh completion for tako\n"
          "_tako() {\n"
          "  if [[ $CURRENT -eq 2 ]]; then\n"
          "    compadd " + cmds + "\n"
          "  elif [[ \"$words[CURRENT]\" == -* ]]; then\n"
          "    compadd -- " + flags + "\n"
          "  elif [[ \"$words[2]\" == cache || \"$words[2]\" == workspace ]]; then\n"
          "    compadd " + subs + "\n"
          "  fi\n"
          "}\n"
          "compdef _tako tako\n");
  } else if (shell == "fish") {
    std::string out = "# fish completion for tako\n";
    for (const auto& c : command_table()) {
      if (c.path.find(' ') != std::string::npos) continue;
      out += "complete -c tako -n '__fish_use_subcommand' -a " + c.path + " -d '" + c.summary + "'\n";
    }
    out += "complete -c tako -n '__fish_seen_subcommand_from cache workspace' -a '" + subs + "'\n";
    out += "complete -c tako -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n";
    for (const auto& c : command_table()) {
      for (const auto& f : c.flags) out += "complete -c tako -l " + f.name + "\n";
    }
    for (const char* g : {"root", "repo", "local", "cache-dir", "no-color", "help", "json"}) {
      out += std::string("complete -c tako -l ") + g + "\n";
    }
    print(out);
  } else {
    return report_usage_error("invalid argument \"" + shell + "\" for \"tako completion\"", "completion");
  }
  return 0;
}


}  // namespace tako::cli
