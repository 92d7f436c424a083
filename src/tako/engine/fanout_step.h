// The built-in fan-out step (REFERENCE.md §10): event emission, discovery, matching,
// child runs, deep synchronisation, timeouts and aggregation.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tako/config/config.h"
#include "tako/engine/tree.h"

namespace tako::engine {

// §7.10: "<repo> -> <workflow>" for every candidate subscription of a fan-out
// step (source, artifact and event type matching; before range/filter checks).
std::vector<std::string> dry_run_candidates(Tree& tree, const std::string& identity,
                                            const std::shared_ptr<const config::Config>& config,
                                            const config::Step& step);

}  // namespace tako::engine
