// The `sbatch` command line of a step's job (docs/SCALE-OUT.md). Plain data in, argv out:
// nothing here runs a process. Secrets never appear in it (they travel in a 0600 file the job
// script reads, job_files.h).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tako/slurm/executor.h"

namespace tako::slurm {

struct SbatchRequest {
  std::string job_name;     // tako-<run-id>-<step-id>
  std::string chdir;        // the checkout (the script cds there itself too: Slurm falls back to /tmp)
  std::string output;       // the job's stdout file, streamed into the step log
  std::string error;        // the job's stderr file
  std::string script;       // the job script's path
  std::optional<int> cpus;  // --cpus-per-task
  std::optional<uint64_t> mem_mib;  // --mem=<n>M
  Options options;
};

// `sbatch --parsable --job-name=… --chdir=… --output=… --error=… --open-mode=append
//  [--cpus-per-task=N] [--mem=NM] [--partition=…] [--account=…] [--qos=…] [--constraint=…]
//  <extra args…> <script>`
std::vector<std::string> sbatch_args(const SbatchRequest& req);

// A cpu_limit (1.5, 0.5) as whole CPUs for --cpus-per-task: rounded up, at least 1.
int cpus_per_task(double cpus);
// A mem_limit in bytes as MiB for --mem: rounded up, at least 1.
uint64_t mem_mib(uint64_t bytes);

// The job name: `tako-<run-id>-<step-id>`.
std::string job_name(const std::string& run_id, const std::string& step_id);

}  // namespace tako::slurm
