// Where a command name found through $PATH lives, remembered like a shell's command hash.
//
// posix_spawnp() searches $PATH at every start: one failed execve per PATH entry before
// the right one (ten on a typical developer PATH), each a path walk plus the setup and
// teardown of an exec. A workflow that starts `sh` hundreds of times pays that each time
// (docs/PERFORMANCE.md). spawn() asks here first and execs the absolute path; a remembered
// path that no longer works is forgotten and the start retried with the full search, so
// behaviour and error messages are those of posix_spawnp().
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tako::proc {

// The first entry of `path` (a $PATH value) holding an executable regular file `name`, as
// "<dir>/<name>". nullopt when `name` contains a '/', when the search would meet an empty
// or relative entry first (those depend on the child's working directory), or when
// nothing is found (posix_spawnp then produces the error).
std::optional<std::string> search_path(std::string_view name, std::string_view path);

// search_path() for the current process's $PATH, remembered per name until $PATH changes
// or forget_command_path() is called. Thread-safe.
std::optional<std::string> command_path(const std::string& name);
void forget_command_path(const std::string& name);

}  // namespace tako::proc
