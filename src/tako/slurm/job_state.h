// Slurm job states (`scontrol -o show job`: JobState=…) mapped onto a step's outcome.
#pragma once

#include <string>
#include <string_view>

namespace tako::slurm {

// PENDING, RUNNING, CONFIGURING, COMPLETING, SUSPENDED, …: the job has not ended yet.
bool is_active(std::string_view state);

// The step error of a job that ended without its script recording an exit status (the script
// writes it as its last act, so this is a job that was cancelled, timed out, lost its node,
// could not start, or vanished): `slurm job <id> <what>`.
std::string ended_without_status(std::string_view job_id, std::string_view state);

}  // namespace tako::slurm
