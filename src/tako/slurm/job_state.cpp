#include "tako/slurm/job_state.h"

#include <array>

namespace tako::slurm {

bool is_active(std::string_view state) {
  static constexpr std::array<std::string_view, 11> kActive = {
      "PENDING",   "RUNNING",  "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED",
      "REQUEUE_FED", "REQUEUE_HOLD", "RESIZING", "SIGNALING", "STAGE_OUT"};
  for (auto s : kActive) {
    if (state == s) return true;
  }
  return false;
}

std::string ended_without_status(std::string_view job_id, std::string_view state) {
  std::string what;
  if (state == "CANCELLED") what = "was cancelled";
  else if (state == "TIMEOUT" || state == "DEADLINE") what = "reached its Slurm time limit";
  else if (state == "NODE_FAIL") what = "failed: its node failed";
  else if (state == "OUT_OF_MEMORY") what = "ran out of memory";
  else if (state == "PREEMPTED") what = "was preempted";
  else if (state == "BOOT_FAIL") what = "failed: its node did not boot";
  else if (state == "FAILED") what = "failed before its script ended (JobState=FAILED)";
  else if (state == "UNKNOWN" || state.empty()) what = "vanished from the cluster (scontrol no longer knows it)";
  else what = "ended in state " + std::string(state) + " without an exit status";
  return "slurm job " + std::string(job_id) + " " + what;
}

}  // namespace tako::slurm
