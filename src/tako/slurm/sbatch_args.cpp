#include "tako/slurm/sbatch_args.h"

#include <cmath>

namespace tako::slurm {

std::vector<std::string> sbatch_args(const SbatchRequest& req) {
  std::vector<std::string> a = {"sbatch",
                                "--parsable",
                                "--job-name=" + req.job_name,
                                "--chdir=" + req.chdir,
                                "--output=" + req.output,
                                "--error=" + req.error,
                                // tako creates both files before submitting and follows them:
                                // truncation by slurmstepd would confuse the follower.
                                "--open-mode=append"};
  if (req.cpus) a.push_back("--cpus-per-task=" + std::to_string(*req.cpus));
  if (req.mem_mib) a.push_back("--mem=" + std::to_string(*req.mem_mib) + "M");
  const Options& o = req.options;
  if (!o.partition.empty()) a.push_back("--partition=" + o.partition);
  if (!o.account.empty()) a.push_back("--account=" + o.account);
  if (!o.qos.empty()) a.push_back("--qos=" + o.qos);
  if (!o.constraint.empty()) a.push_back("--constraint=" + o.constraint);
  a.insert(a.end(), o.extra_args.begin(), o.extra_args.end());
  a.push_back(req.script);
  return a;
}

int cpus_per_task(double cpus) {
  double c = std::ceil(cpus);
  return c < 1 ? 1 : static_cast<int>(c);
}

uint64_t mem_mib(uint64_t bytes) {
  constexpr uint64_t kMiB = 1024 * 1024;
  uint64_t m = (bytes + kMiB - 1) / kMiB;
  return m < 1 ? 1 : m;
}

std::string job_name(const std::string& run_id, const std::string& step_id) {
  return "tako-" + run_id + "-" + step_id;
}

}  // namespace tako::slurm
