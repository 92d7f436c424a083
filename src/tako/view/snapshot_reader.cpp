#include "tako/view/snapshot_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tako/state/liveness.h"
#include "tako/store/query.h"
#include "tako/store/schema.h"
#include "tako/util/fs.h"
#include "tako/view/view_query.h"

namespace tako::view {

namespace {

constexpr off_t kTailBytes = 4096;

RunView run_view(const state::RunNode& run, bool owner_alive) {
  RunView v;
  v.run_id = run.run_id;
  v.repository = run.repository;
  v.workflow = run.workflow;
  v.status = run.status;
  v.interrupted = run.status == state::RunStatus::Running && !owner_alive;
  if (run.status == state::RunStatus::Pending) v.waiting_for = run.waiting_for;
  v.error = run.error;
  v.start_time = run.start_time;
  v.end_time = run.end_time;
  for (const state::StepNode& s : run.steps) {
    StepView sv;
    sv.id = s.id;
    sv.status = s.status;
    sv.start_time = s.start_time;
    sv.end_time = s.end_time;
    if (!run.workspace.empty()) sv.log_path = run.workspace + "/" + (s.log.empty() ? "logs/" + s.id + ".log" : s.log);
    v.steps.push_back(std::move(sv));
  }
  for (const state::RunNode& c : run.children) v.children.push_back(run_view(c, owner_alive));
  return v;
}

std::string clean_line(std::string_view line) {
  if (auto cr = line.rfind('\r'); cr != std::string_view::npos) line.remove_prefix(cr + 1);
  std::string out;
  out.reserve(line.size());
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7f ? ' ' : c);  // never an escape sequence on the terminal
  }
  return out;
}

// The last lines of running steps, and `interrupted` on running runs when the owner is gone.
void finish_run(RunView& run, bool owner_alive) {
  run.interrupted = run.status == state::RunStatus::Running && !owner_alive;
  for (StepView& s : run.steps) {
    if (s.status == state::StepStatus::Running && owner_alive && !s.log_path.empty()) s.last_line = last_log_line(s.log_path);
  }
  for (RunView& c : run.children) finish_run(c, owner_alive);
}

bool any_running(const RunView& run) {
  if (run.status == state::RunStatus::Running) return true;
  for (const RunView& c : run.children) {
    if (any_running(c)) return true;
  }
  return false;
}

}  // namespace

Snapshot snapshot_from_document(const state::StateDocument& doc, bool owner_alive) {
  Snapshot s;
  s.owner_alive = owner_alive;
  s.root = run_view(doc.root, owner_alive);
  finish_run(s.root, owner_alive);
  return s;
}

std::string last_log_line(const std::string& path) {
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return "";
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || st.st_size == 0) return "";
  off_t from = st.st_size > kTailBytes ? st.st_size - kTailBytes : 0;
  std::string buf(size_t(st.st_size - from), '\0');
  ssize_t n = ::pread(fd.get(), buf.data(), buf.size(), from);
  if (n <= 0) return "";
  buf.resize(size_t(n));
  std::string_view text(buf);
  while (!text.empty()) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    auto nl = text.rfind('\n');
    std::string line = clean_line(nl == std::string_view::npos ? text : text.substr(nl + 1));
    if (line.find_first_not_of(' ') != std::string::npos) return line;
    if (nl == std::string_view::npos) break;
    text = text.substr(0, nl);
  }
  return "";
}

Result<SnapshotReader> SnapshotReader::open(const std::string& home, const std::string& run_id) {
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return db.error();
  if (!*db) return Error{"run '" + run_id + "' not found"};
  SnapshotReader reader(std::move(**db), home, run_id);
  // An unknown id (or a child's) fails here, once. One indexed lookup, not a read of the tree:
  // `status --watch` on a finished 1,000-run tree read it twice (docs/PERFORMANCE.md "Live view").
  auto root = reader.db_.prepare("SELECT 1 FROM runs WHERE run_id = ?1 AND root_run_id = ?1");
  if (!root) return root.error();
  root->bind(1, run_id);
  auto found = root->step();
  if (!found) return found.error();
  if (!*found) return Error{"run '" + run_id + "' not found"};
  return reader;
}

Result<Snapshot> SnapshotReader::read(bool probe_owner) {
  auto tree = read_view(db_, run_id_);
  if (!tree) return tree.error();
  bool alive = true;
  if (probe_owner) {
    const state::RunStatus st = tree->snapshot.root.status;
    bool open = st == state::RunStatus::Pending || any_running(tree->snapshot.root);
    if (open) {
      state::StateDocument owner;  // what liveness looks at: the root's id and owner stamp
      owner.root.run_id = run_id_;
      owner.pid = tree->pid;
      owner.hostname = tree->hostname;
      alive = state::owner_alive(owner, home_);
    }
  }
  Snapshot s = std::move(tree->snapshot);
  s.owner_alive = alive;
  finish_run(s.root, alive);
  return s;
}

Result<std::string> newest_running_root(const std::string& home) {
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return db.error();
  if (*db) {
    auto runs = store::list_runs(**db, std::nullopt);
    if (!runs) return runs.error();
    for (const store::RunSummary& r : *runs) {
      // A pending root is a tree that has just been created (or resumed) by a live tako.
      if (r.status != state::RunStatus::Running && r.status != state::RunStatus::Pending) continue;
      state::StateDocument doc;
      doc.root.run_id = r.run_id;
      doc.pid = r.pid;
      doc.hostname = r.hostname;
      if (state::owner_alive(doc, home)) return r.run_id;
    }
  }
  return Error{"no running run to watch"};
}

}  // namespace tako::view
