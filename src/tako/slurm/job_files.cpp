#include "tako/slurm/job_files.h"

namespace tako::slurm {

std::string shell_quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  return q + "'";
}

std::string job_script_text(const JobScript& job) {
  const std::string status = shell_quote(job.dir.status());
  const std::string status_tmp = shell_quote(job.dir.status() + ".tmp");
  std::string s = "#!/bin/sh\n# tako: the job of one step (docs/SCALE-OUT.md)\n";
  if (job.has_secrets) {
    // Read once, then removed: the secrets stay on disk only while the job waits to start.
    const std::string secrets = shell_quote(job.dir.secrets());
    s += "if [ -e " + secrets + " ]; then . " + secrets + "; rm -f " + secrets + "; fi\n";
  }
  // Slurm runs the job in /tmp when --chdir fails; this fails the step instead.
  s += "cd " + shell_quote(job.checkout) + " || { printf '%s\\n' 1 > " + status_tmp + " && mv " + status_tmp +
       " " + status + "; exit 1; }\n";
  s += "sh -c " + shell_quote(job.command) + "\n";
  s += "rc=$?\n";
  // Written last and renamed into place: its presence means the command ended with this status.
  s += "printf '%s\\n' \"$rc\" > " + status_tmp + " && mv " + status_tmp + " " + status + "\n";
  s += "exit \"$rc\"\n";
  return s;
}

std::string watcher_text(const JobDir& dir, const std::vector<std::string>& sbatch_argv,
                         const std::string& poll_seconds, int lost_after) {
  std::string submit;
  for (const auto& a : sbatch_argv) submit += (submit.empty() ? "" : " ") + shell_quote(a);
  const std::string d = shell_quote(dir.path);
  std::string s = "# tako: submits the step's Slurm job and follows it (docs/SCALE-OUT.md)\n";
  s += "d=" + d + "\n";
  s += "if ! id=$(" + submit + "); then\n";
  s += "  : > \"$d/failed\"\n";
  s += "  exit 1\n";
  s += "fi\n";
  s += "id=${id%%;*}\n";  // --parsable prints `id` or `id;cluster`
  s += "printf '%s\\n' \"$id\" > \"$d/job_id\"\n";
  // The waiter ends when the job has ended; the followers end (after a last read) when it has.
  s += "(\n";
  s += "  misses=0\n";
  s += "  while [ ! -e \"$d/status\" ]; do\n";
  s += "    state=$(scontrol -o show job \"$id\" 2>/dev/null | sed -n 's/.* JobState=\\([A-Z_]*\\) .*/\\1/p')\n";
  s += "    case $state in\n";
  s += "      '')\n";
  s += "        misses=$((misses + 1))\n";
  s += "        if [ \"$misses\" -ge " + std::to_string(lost_after) + " ]; then echo UNKNOWN > \"$d/state\"; break; fi ;;\n";
  s += "      PENDING|RUNNING|CONFIGURING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_FED|REQUEUE_HOLD|RESIZING|SIGNALING|"
       "STAGE_OUT)\n";
  s += "        misses=0 ;;\n";
  s += "      *)\n";
  // Ended: the status file may trail the state on a network filesystem.
  s += "        n=0\n";
  s += "        while [ ! -e \"$d/status\" ] && [ \"$n\" -lt 10 ]; do sleep " + poll_seconds + "; n=$((n + 1)); done\n";
  s += "        [ -e \"$d/status\" ] || echo \"$state\" > \"$d/state\"\n";
  s += "        break ;;\n";
  s += "    esac\n";
  s += "    sleep " + poll_seconds + "\n";
  s += "  done\n";
  s += ") &\n";
  s += "w=$!\n";
  s += "tail -n +1 -s " + poll_seconds + " -f --pid=\"$w\" \"$d/job.err\" >&2 &\n";
  s += "t=$!\n";
  s += "tail -n +1 -s " + poll_seconds + " -f --pid=\"$w\" \"$d/job.out\"\n";
  s += "wait \"$t\"\n";
  s += "if [ -e \"$d/status\" ]; then exit \"$(cat \"$d/status\")\"; fi\n";
  s += "exit 1\n";
  return s;
}

std::string secrets_env_text(const std::vector<std::pair<std::string, std::string>>& vars) {
  std::string s;
  for (const auto& [k, v] : vars) s += "export " + k + "=" + shell_quote(v) + "\n";
  return s;
}

}  // namespace tako::slurm
