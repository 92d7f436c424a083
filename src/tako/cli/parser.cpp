#include "tako/cli/parser.h"

#include <algorithm>
#include <optional>
#include <set>

namespace tako::cli {

namespace {

const FlagSpec kJsonFlag{"json", 0, FlagKind::Bool, "", "machine-readable JSON output"};

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }

const FlagSpec* find_long(const std::vector<FlagSpec>& flags, const std::string& name) {
  for (const auto& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const FlagSpec* find_short(const std::vector<FlagSpec>& flags, char c) {
  for (const auto& f : flags) {
    if (f.shorthand == c) return &f;
  }
  return nullptr;
}

// Flags valid for `cmd`: its own plus the globals (plus --json where it prints data).
std::vector<FlagSpec> flags_for(const CommandSpec* cmd) {
  std::vector<FlagSpec> out = global_flags();
  if (cmd != nullptr) {
    out.insert(out.end(), cmd->flags.begin(), cmd->flags.end());
    if (cmd->accepts_json) out.push_back(kJsonFlag);
  }
  return out;
}

const CommandSpec* find_command(const std::vector<CommandSpec>& commands, const std::string& path) {
  for (const auto& c : commands) {
    if (c.path == path) return &c;
  }
  return nullptr;
}

bool is_input_flag(const std::string& name) { return starts_with(name, "inputs.") && name.size() > 7; }

// Value flags of any command: used to skip flag values while locating the command words.
std::set<std::string> all_value_flags(const std::vector<CommandSpec>& commands) {
  std::set<std::string> out;
  for (const auto& f : global_flags()) {
    if (f.kind != FlagKind::Bool) out.insert(f.name);
  }
  for (const auto& c : commands) {
    for (const auto& f : c.flags) {
      if (f.kind != FlagKind::Bool) {
        out.insert(f.name);
        if (f.shorthand) out.insert(std::string(1, f.shorthand));
      }
    }
  }
  return out;
}

bool parse_bool_text(const std::string& v, bool* out) {
  if (v == "true" || v == "1" || v == "t" || v == "T" || v == "TRUE" || v == "True") {
    *out = true;
    return true;
  }
  if (v == "false" || v == "0" || v == "f" || v == "F" || v == "FALSE" || v == "False") {
    *out = false;
    return true;
  }
  return false;
}

// The first flag of `argv` that `flags` does not hold, as its usage error text.
std::optional<std::string> unknown_flag_error(const std::vector<FlagSpec>& flags,
                                              const std::vector<std::string>& argv) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") break;
    if (starts_with(a, "--")) {
      std::string name = a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
      const FlagSpec* f = find_long(flags, name);
      if (f == nullptr) return "unknown flag: --" + name;
      if (f->kind != FlagKind::Bool && a.find('=') == std::string::npos) ++i;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      const FlagSpec* f = find_short(flags, a[1]);
      if (f == nullptr) return "unknown shorthand flag: '" + std::string(1, a[1]) + "' in " + a;
      if (f->kind == FlagKind::Bool && a.size() > 2) {
        return "unknown shorthand flag: '" + std::string(1, a[2]) + "' in " + a;
      }
      if (f->kind != FlagKind::Bool && a.size() == 2) ++i;
    }
  }
  return std::nullopt;
}

}  // namespace

const std::vector<FlagSpec>& global_flags() {
  static const std::vector<FlagSpec> kFlags = {
      {"root", 0, FlagKind::Value, "DIR", "entry repository directory"},
      {"repo", 0, FlagKind::Value, "owner/repo[:ref]", "entry repository from the cache or remote"},
      {"local", 0, FlagKind::Bool, "", "use local sibling directories and cached checkouts only (no network)"},
      {"cache-dir", 0, FlagKind::Value, "DIR", "cache directory (default <TAKO_HOME>/cache)"},
      {"no-color", 0, FlagKind::Bool, "", "disable colour output"},
      {"help", 'h', FlagKind::Bool, "", "help for this command"},
  };
  return kFlags;
}

ParseOutcome parse_command_line(const std::vector<CommandSpec>& commands,
                                const std::vector<std::string>& argv) {
  ParseOutcome out;
  // Pass 1: locate the command words (first positionals), skipping flags and their values.
  const std::set<std::string> value_flags = all_value_flags(commands);
  std::vector<size_t> positional_idx;
  bool help = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--") {
      for (size_t j = i + 1; j < argv.size(); ++j) positional_idx.push_back(j);
      break;
    }
    if (starts_with(a, "--")) {
      std::string name = a.substr(2);
      if (name.find('=') != std::string::npos) continue;
      if (name == "help") help = true;
      if (value_flags.count(name) || is_input_flag(name) || name == "input") ++i;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      if (a == "-h") help = true;
      if (a.size() == 2 && value_flags.count(a.substr(1))) ++i;
      continue;
    }
    positional_idx.push_back(i);
  }

  const CommandSpec* cmd = nullptr;
  size_t command_words = 0;
  if (!positional_idx.empty()) {
    const std::string& first = argv[positional_idx[0]];
    cmd = find_command(commands, first);
    if (cmd == nullptr) {
      out.kind = ParseOutcome::Kind::UsageError;
      out.error = "unknown command \"" + first + "\" for \"tako\"";
      return out;
    }
    command_words = 1;
    if (cmd->group) {
      if (positional_idx.size() >= 2) {
        const std::string& sub = argv[positional_idx[1]];
        const CommandSpec* sc = find_command(commands, cmd->path + " " + sub);
        if (sc == nullptr) {
          out.kind = ParseOutcome::Kind::UsageError;
          out.error = "unknown command \"" + sub + "\" for \"tako " + cmd->path + "\"";
          out.error_command = cmd->path;
          return out;
        }
        cmd = sc;
        command_words = 2;
      }
    }
  }
  if (help) {
    out.kind = ParseOutcome::Kind::Help;
    out.help_for = cmd;
    return out;
  }
  if (cmd == nullptr || cmd->group) {
    // `tako` or `tako <group>` alone prints help, but a flag it does not know is still a
    // usage error (§1.1), with the same texts as for a command's flags.
    if (auto err = unknown_flag_error(flags_for(nullptr), argv)) {
      out.kind = ParseOutcome::Kind::UsageError;
      out.error = *err;
      out.error_command = cmd == nullptr ? "" : cmd->path;
      return out;
    }
    out.kind = ParseOutcome::Kind::Help;
    out.help_for = cmd;
    return out;
  }

  // Pass 2: parse flags against the command's flag set.
  const std::vector<FlagSpec> flags = flags_for(cmd);
  Invocation& inv = out.invocation;
  inv.command = cmd;
  std::set<size_t> skip(positional_idx.begin(), positional_idx.begin() + long(command_words));
  auto usage_error = [&](std::string msg) {
    out.kind = ParseOutcome::Kind::UsageError;
    out.error = std::move(msg);
    out.error_command = cmd->path;
    return out;
  };
  auto store = [&](const FlagSpec& f, const std::string& value) -> bool {
    if (f.name == "root") inv.global.root = value;
    else if (f.name == "repo") inv.global.repo = value;
    else if (f.name == "cache-dir") inv.global.cache_dir = value;
    else if (f.name == "local" || f.name == "no-color" || f.name == "json") {
      bool b = false;
      if (!parse_bool_text(value, &b)) return false;
      if (f.name == "local") inv.global.local = b;
      else if (f.name == "no-color") inv.global.no_color = b;
      else inv.global.json = b;
    } else if (f.kind == FlagKind::Bool) {
      bool b = false;
      if (!parse_bool_text(value, &b)) return false;
      inv.flags[f.name] = {b ? "true" : "false"};
    } else if (f.kind == FlagKind::List) {
      auto& vec = inv.flags[f.name];
      size_t start = 0;
      for (;;) {
        size_t pos = value.find(',', start);
        std::string item = value.substr(start, pos == std::string::npos ? std::string::npos : pos - start);
        if (!item.empty()) vec.push_back(item);
        if (pos == std::string::npos) break;
        start = pos + 1;
      }
    } else {
      inv.flags[f.name].push_back(value);
    }
    return true;
  };

  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (skip.count(i)) continue;
    const std::string& a = argv[i];
    if (flags_done) {
      inv.args.push_back(a);
      continue;
    }
    if (a == "--") {
      flags_done = true;
      continue;
    }
    if (starts_with(a, "--")) {
      std::string body = a.substr(2);
      std::string name = body;
      std::optional<std::string> value;
      if (auto eq = body.find('='); eq != std::string::npos) {
        name = body.substr(0, eq);
        value = body.substr(eq + 1);
      }
      if (cmd->path == "exec" && (name == "inputs" || name == "input" || is_input_flag(name))) {
        if (name == "inputs") {
          return usage_error("invalid input flag '--inputs': use --inputs.<name>=<value>");
        }
        if (!value) {
          if (i + 1 >= argv.size()) return usage_error("flag needs an argument: --" + name);
          value = argv[++i];
        }
        if (name == "input") {
          auto eq = value->find('=');
          if (eq == std::string::npos || eq == 0) {
            return usage_error("invalid input '" + *value + "': expected <name>=<value>");
          }
          inv.inputs.emplace_back(value->substr(0, eq), value->substr(eq + 1));
        } else {
          inv.inputs.emplace_back(name.substr(7), *value);
        }
        continue;
      }
      const FlagSpec* f = find_long(flags, name);
      if (f == nullptr) return usage_error("unknown flag: --" + name);
      if (f->kind == FlagKind::Bool) {
        if (!store(*f, value.value_or("true"))) {
          return usage_error("invalid argument \"" + *value + "\" for \"--" + name +
                             "\" flag: strconv.ParseBool: parsing \"" + *value + "\": invalid syntax");
        }
        continue;
      }
      if (!value) {
        if (i + 1 >= argv.size()) return usage_error("flag needs an argument: --" + name);
        value = argv[++i];
      }
      store(*f, *value);
      continue;
    }
    if (a.size() > 1 && a[0] == '-') {
      char c = a[1];
      const FlagSpec* f = find_short(flags, c);
      if (f == nullptr) {
        return usage_error("unknown shorthand flag: '" + std::string(1, c) + "' in " + a);
      }
      if (f->kind == FlagKind::Bool) {
        if (a.size() > 2) {
          return usage_error("unknown shorthand flag: '" + std::string(1, a[2]) + "' in " + a);
        }
        store(*f, "true");
        continue;
      }
      std::string value;
      if (a.size() > 2) {
        value = a[2] == '=' ? a.substr(3) : a.substr(2);
      } else {
        if (i + 1 >= argv.size()) {
          return usage_error("flag needs an argument: '" + std::string(1, c) + "' in -" + std::string(1, c));
        }
        value = argv[++i];
      }
      store(*f, value);
      continue;
    }
    inv.args.push_back(a);
  }

  int n = int(inv.args.size());
  if (cmd->max_args >= 0 && cmd->min_args == cmd->max_args && n != cmd->min_args) {
    return usage_error("accepts " + std::to_string(cmd->min_args) + " arg(s), received " + std::to_string(n));
  }
  if (n < cmd->min_args) {
    return usage_error("requires at least " + std::to_string(cmd->min_args) + " arg(s), only received " +
                       std::to_string(n));
  }
  // exec's workflow is optional only with --resume; its message is ExactArgs(1)'s.
  if (cmd->path == "exec" && n > 1) {
    return usage_error("accepts 1 arg(s), received " + std::to_string(n));
  }
  if (cmd->max_args >= 0 && n > cmd->max_args) {
    return usage_error("accepts at most " + std::to_string(cmd->max_args) + " arg(s), received " +
                       std::to_string(n));
  }
  return out;
}

bool Invocation::flag(const std::string& name) const {
  auto it = flags.find(name);
  return it != flags.end() && !it->second.empty() && it->second.back() == "true";
}

std::optional<std::string> Invocation::value(const std::string& name) const {
  auto it = flags.find(name);
  if (it == flags.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Invocation::list(const std::string& name) const {
  auto it = flags.find(name);
  return it == flags.end() ? std::vector<std::string>{} : it->second;
}

}  // namespace tako::cli
