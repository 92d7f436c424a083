// `tako logs <run-id> [<repository>[:<step>]] [--follow]` (REFERENCE.md §1.15): the masked step logs
// of a tree, from the workspace while it exists, else from <home>/logs/<run-id>/ (§2).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/log_selection.h"
#include "tako/cli/output.h"
#include "tako/cli/root_run.h"
#include "tako/engine/log_archive.h"
#include "tako/proc/interrupt.h"
#include "tako/state/liveness.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/file_lock.h"
#include "tako/util/fs.h"

namespace tako::cli {

namespace {

// How often --follow re-reads the store and the files: fast enough to feel live, slow enough to
// cost nothing (one indexed read of the tree and a stat per running step).
constexpr std::chrono::milliseconds kFollowInterval{200};

// What has been printed of one step's log.
struct Cursor {
  uint64_t offset = 0;
  std::string partial;  // a line without its newline yet (prefixed output only)
};

// Bytes of `path` from `offset` on; nullopt when the file does not exist.
std::optional<std::string> read_from(const std::string& path, uint64_t offset) {
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return std::nullopt;
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(offset + out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void emit(const std::string& s) { std::fwrite(s.data(), 1, s.size(), stdout); }

class LogPrinter {
 public:
  LogPrinter(std::string workspace, std::string archive, bool raw)
      : workspace_(std::move(workspace)), archive_(std::move(archive)), raw_(raw) {}

  // Prints what is new in every entry's log. `final`: the step has ended (or will never be read
  // again), so a last line without a newline is printed too. False when stdout cannot be written.
  bool pump(const std::vector<LogEntry>& entries, bool final) {
    for (const LogEntry& e : entries) pump_one(e, final || e.finished);
    return std::fflush(stdout) == 0 && !std::ferror(stdout);
  }

 private:
  // The workspace's file while it is there, else the archived one: the logs move between two
  // polls when a successful run ends.
  std::optional<std::string> read(const LogEntry& e, uint64_t offset) {
    if (auto text = read_from(workspace_ + "/" + e.rel_path, offset)) return text;
    return read_from(archive_ + "/" + e.rel_path, offset);
  }

  void pump_one(const LogEntry& e, bool final) {
    Cursor& c = cursors_[e.run_id + "\n" + e.step_id];
    auto text = read(e, c.offset);
    if (!text) return;  // a silent step writes no file
    c.offset += text->size();
    if (raw_) {
      emit(*text);
      return;
    }
    c.partial += *text;
    size_t start = 0;
    for (size_t nl; (nl = c.partial.find('\n', start)) != std::string::npos; start = nl + 1) {
      emit(e.label + " | " + c.partial.substr(start, nl + 1 - start));
    }
    c.partial.erase(0, start);
    if (final && !c.partial.empty()) {
      emit(e.label + " | " + c.partial + "\n");
      c.partial.clear();
    }
  }

  std::string workspace_;
  std::string archive_;
  bool raw_;
  std::map<std::string, Cursor> cursors_;
};

// The tree is no longer executing: every run finished, or its owner is gone (§11.5).
bool tree_ended(const state::StateDocument& doc, const std::string& home) {
  if (doc.root.status != state::RunStatus::Running && doc.root.status != state::RunStatus::Pending) return true;
  if (state::has_running_run(doc)) return !state::owner_alive(doc, home);
  // Pending, nothing running: only a process holding the run lock can still start it.
  return !util::FileLock::is_locked(util::run_lock_path(home, doc.root.run_id));
}

}  // namespace

int cmd_logs(const Invocation& inv) {
  auto settings = settings_for(inv);
  if (!settings) return report_error(settings.error().message);
  const std::string home = settings->home;
  const std::string id = inv.args[0];
  const bool follow = inv.flag("follow");
  std::optional<LogFilter> filter_arg;
  if (inv.args.size() > 1) filter_arg = parse_log_filter(inv.args[1]);
  const LogFilter filter = filter_arg.value_or(LogFilter{});
  if ((filter.repository && filter.repository->empty()) || (filter.step && filter.step->empty())) {
    return report_usage_error("invalid argument \"" + inv.args[1] + "\" for \"tako logs\"", "logs");
  }

  auto db = open_root_run(home, id, [](const std::string& root) {
    return "its logs are in 'tako logs " + root + " <repository>'";
  });
  if (!db) return report_error(db.error().message);
  auto doc = store::load_tree(*db, id);
  if (!doc) return report_error(doc.error().message);

  const std::string archive = engine::log_archive_dir(home, id);
  const std::string workspace = doc->root.workspace;
  std::error_code ec;
  auto logs_exist = [&] {
    return std::filesystem::is_directory(workspace, ec) || std::filesystem::is_directory(archive, ec);
  };
  // A repository or step that is not in the tree yet may still come while the tree runs.
  auto not_there = filter_error(*doc, filter);
  if (not_there && !(follow && !tree_ended(*doc, home))) return report_error(*not_there);
  if (!logs_exist()) return report_error("logs of run " + id + " no longer exist");

  // One step named: its bytes as they are; else every line prefixed "<repository> <step> | ".
  const bool raw = filter.step.has_value();
  LogPrinter printer(workspace, archive, raw);
  // Following: Ctrl-C ends it as §1.1 says, and a closed pipe (`| head`) ends it quietly
  // (the guard ignores SIGPIPE, so the write fails with EPIPE instead of killing tako).
  std::optional<proc::InterruptGuard> guard;
  if (follow) guard.emplace();
  for (;;) {
    const bool ended = !follow || tree_ended(*doc, home);
    std::vector<LogEntry> entries = select_logs(*doc, filter);
    const bool step_done = raw && !entries.empty() && entries.front().finished;
    if (!printer.pump(entries, ended || step_done)) {
      return errno == EPIPE ? 0 : report_error("write stdout: " + util::os_error_text(errno));
    }
    if (ended || step_done) return 0;
    if (guard->sleep_unless_interrupted(kFollowInterval)) {
      std::fprintf(stderr, "Error: interrupted\n");
      return guard->exit_code();
    }
    doc = store::load_tree(*db, id);
    if (!doc) return report_error(doc.error().message);
  }
}

}  // namespace tako::cli
