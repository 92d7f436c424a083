// The Slurm executor's check that the cluster answers (docs/SCALE-OUT.md).
#pragma once

#include <string>
#include <vector>

#include "tako/util/result.h"

namespace tako::engine {

// `sinfo` with the environment `env` (SLURM_CONF): ok, or
// `executor slurm: the cluster does not answer (sinfo: <error>); check SLURM_CONF and that slurmctld is running`.
Status check_slurm_cluster(const std::vector<std::string>& env);

}  // namespace tako::engine
