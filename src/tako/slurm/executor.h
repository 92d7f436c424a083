// Which executor runs a step's command (docs/SCALE-OUT.md, REFERENCE.md §7.14): `local` (a
// process on this machine) or `slurm` (a batch job). Also the `slurm:` options of tako.yml
// and their checks, shared by the loader and the runner so `tako validate` accepts exactly
// what `tako exec` runs.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tako::slurm {

inline constexpr std::string_view kLocal = "local";
inline constexpr std::string_view kSlurm = "slurm";

bool valid_executor(std::string_view name);
// `invalid executor '<v>': must be one of local, slurm`
std::string invalid_executor_message(std::string_view value);
// The usage error for the flag or TAKO_EXECUTOR:
// `invalid argument "<v>" for "--executor" flag: must be one of local, slurm` /
// `invalid value "<v>" for TAKO_EXECUTOR: must be one of local, slurm`.
std::string invalid_executor_usage(std::string_view value, bool from_flag);

// The `slurm:` mapping of a workflow or step; a step's fields override the workflow's one by one.
struct Options {
  std::string partition, account, qos, constraint;
  std::vector<std::string> extra_args;  // sbatch arguments, each checked by check_extra_arg
};

// Fields of `slurm:` that hold one word (partition, account, qos, constraint).
inline constexpr std::string_view kOptionKeys[] = {"partition", "account", "qos", "constraint"};

// A value of partition/account/qos/constraint: non-empty, no whitespace or control
// characters (it becomes one sbatch argument). Else `invalid slurm <key>: <v>`.
std::optional<std::string> check_option(std::string_view key, std::string_view value);

// One of `extra_args`: `--name` or `--name=value` with a name of the allow-list (kAllowedArgs).
// Arguments tako sets itself or that would change where output, environment or the script come
// from (--output, --export, --wrap, --chdir, --job-name, …) are refused:
// `sbatch argument '<a>' is not allowed (allowed: --time, --gres, …)`.
std::optional<std::string> check_extra_arg(std::string_view arg);
extern const std::vector<std::string_view> kAllowedArgs;

// Step options over workflow options, field by field; extra args: the workflow's then the step's.
Options merge(const Options& workflow, const Options& step);

}  // namespace tako::slurm
