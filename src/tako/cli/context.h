// Shared set-up for commands that work on repositories: settings from the
// environment and global flags, and the workspace universe.
#pragma once

#include "tako/cli/invocation.h"
#include "tako/repo/resolver.h"
#include "tako/repo/universe.h"
#include "tako/util/go_duration.h"
#include "tako/util/result.h"
#include "tako/view/progress_mode.h"

namespace tako::cli {

Result<repo::Settings> settings_for(const Invocation& inv);

// Builds the universe for `inv` (§3.5); `strict` for graph/run semantics.
Result<repo::Universe> universe_for(const Invocation& inv, repo::Resolver& resolver, bool strict,
                                    const repo::ResolveProgressFn& progress = {});

// Parses a Go-duration flag value; the error is a usage error text
// `invalid argument "<v>" for "--<flag>" flag: <go error>` or `...: must not be negative`
// (every duration flag is a wait limit or an age, for which a negative value means nothing).
Result<util::Nanos> duration_flag(const Invocation& inv, const std::string& flag, const std::string& fallback);

// A whole-number flag in [1, max]: only decimal digits (no sign, blanks or exponent). Errors are
// usage error texts `invalid argument "<v>" for "<shown>" flag: <below>` for text that is not such
// a number or is below 1, and `...: must be at most <max>` above `max`. `shown` is e.g. "--limit"
// or "-j, --jobs".
Result<int64_t> count_flag(const Invocation& inv, const std::string& flag, const std::string& shown,
                           int64_t fallback, int64_t max, const std::string& below);

// --progress auto|tty|plain (default auto); the error is the usage error text
// `invalid argument "<v>" for "--progress" flag: must be one of auto, tty, plain`.
Result<view::ProgressMode> progress_flag(const Invocation& inv);

}  // namespace tako::cli
