#include "tako/cli/context.h"

namespace tako::cli {

Result<repo::Settings> settings_for(const Invocation& inv) {
  auto s = repo::make_settings(inv.global.cache_dir, inv.global.local);
  if (!s) return s.error();
  if (auto t = inv.value("lock-timeout")) s->lock_timeout = *t;
  return s;
}

Result<repo::Universe> universe_for(const Invocation& inv, repo::Resolver& resolver, bool strict) {
  repo::EntryOptions entry;
  entry.root = inv.global.root;
  entry.repo = inv.global.repo;
  return repo::Universe::build(resolver, entry, strict);
}

Result<util::Nanos> duration_flag(const Invocation& inv, const std::string& flag, const std::string& fallback) {
  std::string text = inv.value(flag).value_or(fallback);
  auto d = util::parse_go_duration(text);
  if (!d) return Error{"invalid argument \"" + text + "\" for \"--" + flag + "\" flag: " + d.error().message};
  return d;
}

}  // namespace tako::cli
