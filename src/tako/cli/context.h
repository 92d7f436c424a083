// Shared set-up for commands that work on repositories: settings from the
// environment and global flags, and the workspace universe.
#pragma once

#include "tako/cli/invocation.h"
#include "tako/repo/resolver.h"
#include "tako/repo/universe.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::cli {

Result<repo::Settings> settings_for(const Invocation& inv);

// Builds the universe for `inv` (§3.5); `strict` for graph/run semantics.
Result<repo::Universe> universe_for(const Invocation& inv, repo::Resolver& resolver, bool strict);

// Parses a Go-duration flag value; the error is a usage error text
// `invalid argument "<v>" for "--<flag>" flag: <go error>`.
Result<util::Nanos> duration_flag(const Invocation& inv, const std::string& flag, const std::string& fallback);

}  // namespace tako::cli
