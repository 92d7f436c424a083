// The files of a step's Slurm job (docs/SCALE-OUT.md), as text. Everything lives in the job
// directory `<workspace>/slurm/<step-id>/` on the filesystem the nodes share:
//
//   job.sh      the batch script: reads the secrets file, cds into the checkout, runs the
//               step's command with `sh -c`, writes its exit status to `status`
//   watch.sh    run by tako as the step's local process: submits job.sh with sbatch, records
//               the job id in `job_id`, streams job.out/job.err to its stdout/stderr while the
//               job runs, exits with the job's status (or records the job's final `state`
//               when the script never wrote one, or `failed` when sbatch refused the job)
//   secrets.env the variables whose values hold a secret (0600): never an sbatch argument,
//               never in the environment slurmctld stores with the job
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tako::slurm {

// `'…'` with every `'` written as `'\''`: one word for sh whatever the text holds.
std::string shell_quote(const std::string& text);

struct JobDir {
  std::string path;
  std::string script() const { return path + "/job.sh"; }
  std::string watcher() const { return path + "/watch.sh"; }
  std::string out() const { return path + "/job.out"; }
  std::string err() const { return path + "/job.err"; }
  std::string status() const { return path + "/status"; }
  std::string state() const { return path + "/state"; }
  std::string job_id() const { return path + "/job_id"; }
  std::string failed() const { return path + "/failed"; }
  std::string secrets() const { return path + "/secrets.env"; }
};

struct JobScript {
  JobDir dir;
  std::string checkout;  // where the command runs
  std::string command;   // the rendered `run`
  bool has_secrets = false;
};
std::string job_script_text(const JobScript& job);

// The watcher for `sbatch_argv` (from sbatch_args()). `poll_seconds`: pause between two
// `scontrol -o show job` calls; `lost_after`: consecutive failed calls after which the job
// counts as vanished.
std::string watcher_text(const JobDir& dir, const std::vector<std::string>& sbatch_argv,
                         const std::string& poll_seconds = "0.2", int lost_after = 50);

// `export NAME='value'` lines; names are environment names (checked by the loader).
std::string secrets_env_text(const std::vector<std::pair<std::string, std::string>>& vars);

}  // namespace tako::slurm
