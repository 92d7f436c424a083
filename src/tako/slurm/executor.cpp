#include "tako/slurm/executor.h"

#include <algorithm>

namespace tako::slurm {

// Placement and scheduling knobs only: none of them changes what runs, where its output goes
// or which environment it sees (tako owns those: REFERENCE.md §7.14).
const std::vector<std::string_view> kAllowedArgs = {
    "--time",     "--gres",     "--gpus",     "--nodelist",  "--exclude", "--reservation",
    "--tmp",      "--licenses", "--exclusive", "--nice",     "--comment", "--mem-per-cpu",
    "--hint",     "--priority", "--wckey",
};

bool valid_executor(std::string_view name) { return name == kLocal || name == kSlurm; }

std::string invalid_executor_message(std::string_view value) {
  return "invalid executor '" + std::string(value) + "': must be one of local, slurm";
}

std::string invalid_executor_usage(std::string_view value, bool from_flag) {
  if (from_flag) return "invalid argument \"" + std::string(value) + "\" for \"--executor\" flag: must be one of local, slurm";
  return "invalid value \"" + std::string(value) + "\" for TAKO_EXECUTOR: must be one of local, slurm";
}

namespace {

bool is_blank_or_control(char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }

}  // namespace

std::optional<std::string> check_option(std::string_view key, std::string_view value) {
  if (value.empty() || std::any_of(value.begin(), value.end(), is_blank_or_control)) {
    return "invalid slurm " + std::string(key) + ": '" + std::string(value) + "'";
  }
  return std::nullopt;
}

std::optional<std::string> check_extra_arg(std::string_view arg) {
  std::string_view name = arg.substr(0, arg.find('='));
  bool ok = std::find(kAllowedArgs.begin(), kAllowedArgs.end(), name) != kAllowedArgs.end();
  // A value is one argument: no newline can smuggle a second line into anything.
  if (ok && std::any_of(arg.begin(), arg.end(), [](char c) { return c == '\n' || c == '\r' || c == '\0'; })) ok = false;
  if (ok) return std::nullopt;
  std::string allowed;
  for (auto a : kAllowedArgs) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
  return "sbatch argument '" + std::string(arg) + "' is not allowed (allowed: " + allowed + ")";
}

Options merge(const Options& workflow, const Options& step) {
  auto pick = [](const std::string& s, const std::string& w) { return s.empty() ? w : s; };
  Options o;
  o.partition = pick(step.partition, workflow.partition);
  o.account = pick(step.account, workflow.account);
  o.qos = pick(step.qos, workflow.qos);
  o.constraint = pick(step.constraint, workflow.constraint);
  o.extra_args = workflow.extra_args;
  o.extra_args.insert(o.extra_args.end(), step.extra_args.begin(), step.extra_args.end());
  return o;
}

}  // namespace tako::slurm
