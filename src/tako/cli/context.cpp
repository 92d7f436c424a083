#include "tako/cli/context.h"

namespace tako::cli {

Result<repo::Settings> settings_for(const Invocation& inv) {
  auto s = repo::make_settings(inv.global.cache_dir, inv.global.local);
  if (!s) return s.error();
  if (auto t = inv.value("lock-timeout")) s->lock_timeout = *t;
  return s;
}

Result<repo::Universe> universe_for(const Invocation& inv, repo::Resolver& resolver, bool strict,
                                    const repo::ResolveProgressFn& progress) {
  repo::EntryOptions entry;
  entry.root = inv.global.root;
  entry.repo = inv.global.repo;
  return repo::Universe::build(resolver, entry, strict, progress);
}

Result<util::Nanos> duration_flag(const Invocation& inv, const std::string& flag, const std::string& fallback) {
  std::string text = inv.value(flag).value_or(fallback);
  auto d = util::parse_go_duration(text);
  if (!d) return Error{"invalid argument \"" + text + "\" for \"--" + flag + "\" flag: " + d.error().message};
  if (*d < util::Nanos{0}) return Error{"invalid argument \"" + text + "\" for \"--" + flag + "\" flag: must not be negative"};
  return d;
}

Result<view::ProgressMode> progress_flag(const Invocation& inv) {
  std::string text = inv.value("progress").value_or("auto");
  auto mode = view::parse_progress_mode(text);
  if (!mode) {
    return Error{"invalid argument \"" + text + "\" for \"--progress\" flag: must be one of " +
                 view::progress_mode_choices()};
  }
  return *mode;
}

Result<int64_t> count_flag(const Invocation& inv, const std::string& flag, const std::string& shown,
                           int64_t fallback, int64_t max, const std::string& below) {
  auto text = inv.value(flag);
  if (!text) return fallback;
  const std::string prefix = "invalid argument \"" + *text + "\" for \"" + shown + "\" flag: ";
  if (text->empty() || text->find_first_not_of("0123456789") != std::string::npos) return Error{prefix + below};
  // Digits only: anything longer than max's digits (after leading zeros) is above max.
  size_t first = text->find_first_not_of('0');
  if (first == std::string::npos) return Error{prefix + below};
  std::string digits = text->substr(first);
  if (digits.size() > std::to_string(max).size()) return Error{prefix + "must be at most " + std::to_string(max)};
  int64_t n = std::stoll(digits);
  if (n > max) return Error{prefix + "must be at most " + std::to_string(max)};
  return n;
}

}  // namespace tako::cli
