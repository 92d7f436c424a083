// Commands that act on a whole tree (`logs`, `cancel`) take a root run id: the lookup they share.
#pragma once

#include <functional>
#include <string>

#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::cli {

// Opens the store of `home` and checks that `id` is a recorded root run. Errors: `run '<id>' not
// found` (no store, no such run), and for a child run id `run '<id>' is a child run of <root>; `
// followed by what `child_hint(root)` says to do instead.
Result<store::Db> open_root_run(const std::string& home, const std::string& id,
                                const std::function<std::string(const std::string& root)>& child_hint);

}  // namespace tako::cli
