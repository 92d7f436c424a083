// `tako cancel <run-id> [--no-wait]` (REFERENCE.md §1.16): interrupts the tako process executing a
// tree, from another terminal, with the SIGINT a Ctrl-C would send (§7.12 does the rest).
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/cli/root_run.h"
#include "tako/proc/interrupt.h"
#include "tako/state/liveness.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/fs.h"

namespace tako::cli {

namespace {

// How long to wait for the tree to end: §7.12 kills the steps 5 s after SIGTERM; a container
// runtime's `kill` and the final state commits come on top.
constexpr std::chrono::seconds kCancelDeadline{60};
constexpr std::chrono::milliseconds kPollInterval{100};

bool finished(state::RunStatus s) { return s != state::RunStatus::Running && s != state::RunStatus::Pending; }

}  // namespace

int cmd_cancel(const Invocation& inv) {
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  const std::string home = settings->home;
  const std::string id = inv.args[0];

  // A child run is part of its tree: one process executes the whole tree, and stopping one
  // child alone is not what SIGINT does. The user names the tree.
  auto db = open_root_run(home, id, [](const std::string& root) {
    return "cancel the tree with 'tako cancel " + root + "'";
  });
  if (!db) return report_error(db.error().message);
  auto doc = store::load_tree(*db, id);
  if (!doc) return report_error(doc.error().message);
  if (finished(doc->root.status)) {
    return report_error("run '" + id + "' is not running (" + std::string(state::to_string(doc->root.status)) + ")");
  }
  if (doc->hostname != state::local_hostname()) {
    return report_error("run '" + id + "' is executed by tako (pid " + std::to_string(doc->pid) + ") on host " +
                        doc->hostname + "; cancel it there");
  }
  if (!state::owner_alive(*doc, home)) return report_error("run '" + id + "' is not running (interrupted)");

  const auto pid = static_cast<pid_t>(doc->pid);
  if (::kill(pid, SIGINT) != 0) {
    return report_error("cannot interrupt tako (pid " + std::to_string(doc->pid) + "): " + util::os_error_text(errno));
  }
  std::fprintf(stderr, "Sent SIGINT to tako (pid %lld) executing run %s\n", static_cast<long long>(doc->pid),
               id.c_str());
  if (inv.flag("no-wait")) return 0;

  // The tree has ended when its owner let go of the run lock (or is gone): by then the final
  // state is committed (§7.12).
  const auto deadline = std::chrono::steady_clock::now() + kCancelDeadline;
  proc::InterruptGuard guard;  // Ctrl-C stops the waiting (§1.1), not the cancellation under way
  while (state::owner_alive(*doc, home)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      return report_error("run '" + id + "' is still running " + std::to_string(kCancelDeadline.count()) +
                          "s after SIGINT");
    }
    if (guard.sleep_unless_interrupted(kPollInterval)) {
      std::fprintf(stderr, "Error: interrupted\n");
      return guard.exit_code();
    }
  }
  auto end = store::load_tree(*db, id);
  if (!end) return report_error(end.error().message);
  const bool alive = false;
  std::printf("Run %s %s\n", id.c_str(),
              std::string(state::to_string(state::display_status(end->root, alive))).c_str());
  return 0;
}

}  // namespace tako::cli
