// The `<rt> run …` argument list of a container step (REFERENCE.md §12.2, §12.3), built
// from plain data and checked with the load-time rules of config/container_rules.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tako/container/runtime.h"
#include "tako/util/result.h"

namespace tako::container {

struct VolumeMount {
  std::string source, destination;
  bool read_only = false;
};

struct RunRequest {
  Runtime runtime;
  std::string name;   // tako-<run-id>-<step-id>
  std::string image;
  std::string security_profile;  // empty = strict
  std::vector<std::string> capabilities;  // as written (any case, optional CAP_)
  std::optional<std::string> network;     // nullopt: the profile's default
  std::vector<std::string> env_names;     // forwarded variables (sorted and de-duplicated here)
  std::string checkout;      // absolute; mounted at /workspace
  std::string step_tmp_dir;  // absolute; mounted at /tako
  std::vector<VolumeMount> volumes;
  std::string cpu_limit, mem_limit, disk_limit;  // as written; empty = none
  std::string command;  // the rendered run text
};

// The container name of a step: `tako-<run-id>-<step-id>`.
std::string container_name(const std::string& run_id, const std::string& step_id);

// The full argv, argv[0] being the runtime. Errors are the exact messages of §12.2/§12.3
// (`invalid container image name: …`, `invalid cpu value: …`, …).
Result<std::vector<std::string>> build_run_args(const RunRequest& req);

// `--cpus` text of a parsed cpu limit: shortest form (0.5, 1.5, 2).
std::string format_cpus(double cpus);

// The command line for `[debug] container command: …`: arguments joined by spaces, those
// with characters a shell treats specially in single quotes (env values never appear in it).
std::string display_command(const std::vector<std::string>& argv);

}  // namespace tako::container
