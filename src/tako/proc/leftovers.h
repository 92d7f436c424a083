// Processes a tako process left behind when it died without cleaning up (kill -9, OOM
// killer, power loss of the terminal): step process groups that kept running after their
// tako was gone. A resume finds them before it re-runs the interrupted steps, or a step
// would run twice at once (two deploys of one service).
//
// They are found by their environment: every step process carries `TAKO_RUN_ID=<its run>`
// and `TAKO_STEP_ID=<its step>` (REFERENCE.md §7.6) and its descendants inherit them, which
// survives pid reuse and re-parenting (unlike a recorded pid). Only the steps named are
// looked for: a daemon that an earlier, completed step started on purpose is left alone.
// Processes that cleared their environment are reached through their process group when
// its leader is found.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace tako::proc {

// A step of a run: (TAKO_RUN_ID, TAKO_STEP_ID).
using StepRef = std::pair<std::string, std::string>;

struct Leftover {
  pid_t pid = 0;
  pid_t pgid = 0;
  StepRef step;         // the TAKO_RUN_ID and TAKO_STEP_ID it carries
  std::string command;  // /proc/<pid>/comm
};

// Live processes (zombies excluded) whose environment names one of `steps`, in pid order.
// Never this process or a process of this process's group. Processes whose environment
// cannot be read (another user's) are skipped.
std::vector<Leftover> find_leftovers(const std::set<StepRef>& steps);

// SIGTERM to the process group of each of `found`, then SIGKILL to the groups of whatever
// still carries one of `steps` after `grace`. Returns true once none is alive, false when
// some still are `grace` + 2 s later.
bool stop_leftovers(const std::vector<Leftover>& found, const std::set<StepRef>& steps,
                    std::chrono::milliseconds grace);

}  // namespace tako::proc
