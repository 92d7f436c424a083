#include "tako/state/store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <set>

#include "tako/util/version.h"  // header-only: tako::kVersion
#include "tako/state/ids.h"
#include "tako/state/liveness.h"
#include "tako/util/fs.h"
#include "tako/util/sha256.h"

namespace tako::state {

using nlohmann::json;

void stderr_warning(const std::string& message) {
  std::string line = "warning: " + message + "\n";
  std::fflush(stdout);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string state_dir(const std::string& home) { return home + "/state"; }
std::string state_path(const std::string& dir, const std::string& run_id) { return dir + "/" + run_id + ".json"; }

bool state_exists(const std::string& dir, const std::string& run_id) {
  struct stat st {};
  std::string p = state_path(dir, run_id);
  return ::lstat(p.c_str(), &st) == 0 || ::lstat((p + ".bak").c_str(), &st) == 0;
}

namespace {

constexpr auto kReplace = json::error_handler_t::replace;

std::string checksum_of_dump(const std::string& compact) { return "sha256:" + util::sha256_hex(compact); }

// Strips nlohmann's "[json.exception.parse_error.101] " prefix.
std::string clean_what(const char* what) {
  std::string s = what;
  if (s.rfind("[json.exception.", 0) == 0) {
    auto end = s.find("] ");
    if (end != std::string::npos) s.erase(0, end + 2);
  }
  return s;
}

std::string one_decimal_mib(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(bytes) / (1024.0 * 1024.0));
  return buf;
}

Status fsync_dir(const std::string& dir) {
  util::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return Error{"open " + dir + ": " + util::os_error_text(errno)};
  if (::fsync(fd.get()) != 0 && errno != EINVAL) return Error{"sync " + dir + ": " + util::os_error_text(errno)};
  return {};
}

// Moves the old backup to `tmp` and opens it for overwriting; an invalid fd when there is no
// backup or it is not a plain, private, singly-linked regular file (then it is removed and the
// caller creates `tmp` afresh).
util::UniqueFd open_recycled_tmp(const std::string& bak, const std::string& tmp) {
  if (::rename(bak.c_str(), tmp.c_str()) != 0) return {};
  util::UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK));
  struct stat st {};
  if (fd.valid() && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1 &&
      st.st_uid == ::geteuid() && (st.st_mode & 07777) == 0600) {
    return fd;
  }
  fd = util::UniqueFd();
  ::unlink(tmp.c_str());
  return {};
}

// The recycled file's bytes, read into `buf`, when all of them are in the page cache (no disk
// read for this); else empty.
std::string_view cached_content(int fd, off_t size, std::string& buf) {
  if (size <= 0 || static_cast<std::uint64_t>(size) > kMaxBytes) return {};
  buf.resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < buf.size()) {
    iovec v{buf.data() + got, buf.size() - got};
    ssize_t n = ::preadv2(fd, &v, 1, static_cast<off_t>(got), RWF_NOWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return {};  // EAGAIN: not cached; or an error the writes below will report
    got += static_cast<size_t>(n);
  }
  return {buf.data(), got};
}

// Writes `content` over a file that holds `old`, skipping the 4 KiB pages that already hold
// their new bytes. A state write changes a few pages of a large document (the checksum and the
// current steps; a fan-out's finished children stay put), and the fsync then writes those
// pages only instead of the whole file (docs/STATE.md). False with errno on a failed write.
bool write_changed_pages(int fd, std::string_view content, std::string_view old) {
  constexpr size_t kPage = 4096;
  size_t pos = 0;
  while (pos < content.size()) {
    auto page_same = [&](size_t at) {
      size_t len = std::min(kPage, content.size() - at);
      return at + len <= old.size() && std::memcmp(content.data() + at, old.data() + at, len) == 0;
    };
    while (pos < content.size() && page_same(pos)) pos += kPage;
    if (pos >= content.size()) break;
    size_t end = pos;
    while (end < content.size() && !page_same(end)) end += kPage;
    end = std::min(end, content.size());
    while (pos < end) {
      ssize_t n = ::pwrite(fd, content.data() + pos, end - pos, static_cast<off_t>(pos));
      if (n < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      pos += static_cast<size_t>(n);
    }
  }
  return true;
}

}  // namespace

bool json_nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    switch (c) {
      case '"': in_string = true; break;
      case '[':
      case '{':
        if (++depth > limit) return false;
        break;
      case ']':
      case '}': --depth; break;
      default: break;
    }
  }
  return true;
}

std::string compute_checksum(const json& doc) {
  if (doc.is_object() && doc.contains("checksum")) {
    json copy = doc;
    copy.erase("checksum");
    return checksum_of_dump(copy.dump(-1, ' ', false, kReplace));
  }
  return checksum_of_dump(doc.dump(-1, ' ', false, kReplace));
}

std::string serialize_with_checksum(const json& doc) {
  json out = doc;
  if (out.is_object()) out.erase("checksum");
  out["checksum"] = checksum_of_dump(out.dump(-1, ' ', false, kReplace));
  std::string text = out.dump(2, ' ', false, kReplace);
  text.push_back('\n');
  return text;
}

Status write_state_file(const std::string& dir, const std::string& run_id, const std::string& content,
                        std::string* scratch) {
  std::string local;
  std::string& old_bytes = scratch ? *scratch : local;
  if (auto st = util::make_dirs(dir, 0700); !st) return st;
  const std::string final_path = state_path(dir, run_id);
  const std::string bak = final_path + ".bak";
  const std::string tmp = final_path + ".tmp." + std::to_string(::getpid());

  // (1) temporary file, fsync. The previous backup is about to be replaced anyway, so its inode is
  // recycled as the temporary file: overwriting blocks that are already allocated avoids an inode
  // allocation plus an inode and block release per write, which on ext4 cost as much as the fsyncs
  // (docs/STATE.md). The current file stays intact and durable throughout.
  {
    util::UniqueFd fd = open_recycled_tmp(bak, tmp);
    const bool recycled = fd.valid();
    if (!recycled) fd = util::UniqueFd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return Error{"open " + tmp + ": " + util::os_error_text(errno)};
    auto fail_io = [&](const char* op) {
      int e = errno;
      ::unlink(tmp.c_str());
      return Error{std::string(op) + " " + tmp + ": " + util::os_error_text(e)};
    };
    if (!recycled && ::fchmod(fd.get(), 0600) != 0) return fail_io("chmod");
    // Blocks for this and the next writes are allocated up front, beyond the end of the file
    // (its length is unchanged): the fsync of a write that grows the document then writes no
    // block-allocation metadata (docs/STATE.md). Best effort: not every file system has it.
    struct stat st {};
    const off_t size = static_cast<off_t>(content.size());
    if (::fstat(fd.get(), &st) == 0 && st.st_blocks * 512 < size) {
      constexpr off_t kChunk = 64 * 1024;
      const off_t want = (size + size / 2 + kChunk - 1) / kChunk * kChunk;
      (void)::fallocate(fd.get(), FALLOC_FL_KEEP_SIZE, 0, want);
    }
    const std::string_view old = recycled ? cached_content(fd.get(), st.st_size, old_bytes) : std::string_view();
    if (!write_changed_pages(fd.get(), content, old)) return fail_io("write");
    // Only a shorter document needs the cut (the same length would drop the blocks kept above).
    if (recycled && st.st_size > size && ::ftruncate(fd.get(), size) != 0) return fail_io("truncate");
    if (::fsync(fd.get()) != 0) return fail_io("sync");
  }
  // (2) current -> backup (replacing the old backup).
  if (::rename(final_path.c_str(), bak.c_str()) != 0 && errno != ENOENT) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error{"rename " + final_path + " " + bak + ": " + util::os_error_text(e)};
  }
  // (3) temporary -> current.
  if (::rename(tmp.c_str(), final_path.c_str()) != 0) {
    int e = errno;
    ::unlink(tmp.c_str());
    return Error{"rename " + tmp + " " + final_path + ": " + util::os_error_text(e)};
  }
  // (4) directory.
  return fsync_dir(dir);
}

Result<StateFile> parse_state_text(std::string_view text) {
  if (text.size() > kMaxBytes) return Error{"file is larger than 100 MB"};
  if (!json_nesting_within(text, kMaxJsonNesting)) {
    return Error{"JSON nested deeper than " + std::to_string(kMaxJsonNesting) + " levels"};
  }
  try {
    json j = json::parse(text.begin(), text.end());
    if (!j.is_object()) return Error{"not a JSON object"};
    auto it = j.find("checksum");
    if (it == j.end()) return Error{"missing checksum"};
    if (!it->is_string()) return Error{"checksum is not a string"};
    std::string recorded = it->get<std::string>();
    j.erase("checksum");
    if (checksum_of_dump(j.dump(-1, ' ', false, kReplace)) != recorded) return Error{"checksum mismatch"};
    auto doc = document_from_json(j);
    if (!doc) return Error{"invalid document: " + doc.error().message};
    return StateFile{std::move(*doc), std::move(j)};
  } catch (const json::exception& e) {
    return Error{"invalid JSON: " + clean_what(e.what())};
  } catch (const std::exception& e) {
    return Error{std::string("cannot load: ") + e.what()};
  }
}

Result<StateFile> read_state_file(const std::string& path) {
  // O_NONBLOCK: a FIFO planted at the path must not hang the open; regular files ignore it.
  util::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) return Error{"open " + path + ": " + util::os_error_text(errno)};
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error{"stat " + path + ": " + util::os_error_text(errno)};
  if (S_ISDIR(st.st_mode)) return Error{"read " + path + ": is a directory"};
  if (!S_ISREG(st.st_mode)) return Error{"read " + path + ": not a regular file"};
  if (static_cast<std::uint64_t>(st.st_size) > kMaxBytes) return Error{"file is larger than 100 MB"};
  std::string text;
  text.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error{"read " + path + ": " + util::os_error_text(errno)};
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxBytes) return Error{"file is larger than 100 MB"};
  }
  return parse_state_text(text);
}

namespace {

// Cross-references the schema check cannot see: the engine finds runs by id, so every run id of
// the tree must be unique, and a child that names a parent_run_id must name its parent (null is
// tolerated, as in hand-made documents). A document breaking them (checksum and all intact, e.g.
// edited and re-signed) is treated as corrupt, not resumed.
Status check_tree(const StateDocument& doc) {
  std::set<std::string> seen;
  Status status;
  std::function<void(const RunNode&, const std::string&)> visit = [&](const RunNode& run, const std::string& path) {
    if (!status) return;
    if (!seen.insert(run.run_id).second) {
      status = Error{path + ".run_id: duplicate run id " + run.run_id};
      return;
    }
    size_t i = 0;
    for (const RunNode& child : run.children) {
      std::string child_path = path + ".children[" + std::to_string(i++) + "]";
      if (child.parent_run_id && *child.parent_run_id != run.run_id) {
        status = Error{child_path + ".parent_run_id: expected " + run.run_id};
        return;
      }
      visit(child, child_path);
    }
    if (!status) return;
    // A fan-out waits for the runs its record names: each must be a child of this run, or a resume
    // would wait for a run that is not there (or for an ancestor: forever).
    size_t k = 0;
    for (const StepNode& step : run.steps) {
      if (step.fan_out) {
        for (const std::string& id : step.fan_out->children) {
          bool child = std::any_of(run.children.begin(), run.children.end(),
                                   [&](const RunNode& c) { return c.run_id == id; });
          if (!child) {
            status = Error{path + ".steps[" + std::to_string(k) + "].fan_out.children: " + id +
                           " is not a child run of " + run.run_id};
            return;
          }
        }
      }
      ++k;
    }
  };
  if (doc.root.parent_run_id) return Error{"root.parent_run_id: expected null"};
  visit(doc.root, "root");
  return status;
}

}  // namespace

Result<LoadedState> load_state(const std::string& dir, const std::string& run_id, const WarningSink& warn) {
  const std::string not_found = "run '" + run_id + "' not found";
  if (!is_valid_run_id(run_id)) return Error{not_found};
  const std::string path = state_path(dir, run_id);
  const std::string bak = path + ".bak";

  // A file is used only if it holds the run it is named after: a document copied or renamed to
  // another id (intact, checksum and all) would otherwise be resumed under the wrong id.
  auto read_own = [&](const std::string& p) -> Result<StateFile> {
    auto f = read_state_file(p);
    if (f && f->doc.root.run_id != run_id) {
      return Error{"invalid document: root.run_id: holds run " + f->doc.root.run_id + ", not " + run_id};
    }
    if (f) {
      if (auto consistent = check_tree(f->doc); !consistent) {
        return Error{"invalid document: " + consistent.error().message};
      }
    }
    return f;
  };
  auto main = read_own(path);
  if (main) return LoadedState{std::move(main->doc), std::move(main->json), path, false};

  struct stat st {};
  bool main_exists = ::lstat(path.c_str(), &st) == 0;
  bool bak_exists = ::lstat(bak.c_str(), &st) == 0;
  if (!main_exists && !bak_exists) return Error{not_found};

  if (bak_exists) {
    auto backup = read_own(bak);
    if (backup) {
      if (warn) warn("state file " + path + " is corrupt (" + main.error().message + "); using backup " + bak);
      return LoadedState{std::move(backup->doc), std::move(backup->json), bak, true};
    }
  }
  return Error{"state for run " + run_id + " is corrupt and no valid backup exists"};
}

std::vector<std::string> list_state_ids(const std::string& dir) {
  std::set<std::string> ids;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    std::string id;
    if (name.size() > 5 && name.ends_with(".json")) {
      id = name.substr(0, name.size() - 5);
    } else if (name.size() > 9 && name.ends_with(".json.bak")) {
      id = name.substr(0, name.size() - 9);
    } else {
      continue;
    }
    if (is_valid_run_id(id)) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

// ---- StateStore -------------------------------------------------------------------------------

StateStore::StateStore(StoreOptions options, StateDocument initial)
    : opts_(std::move(options)), doc_(std::move(initial)), hostname_(local_hostname()) {
  thread_ = std::thread([this] { background(); });
}

StateStore::~StateStore() {
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    stop_ = true;
  }
  cv_.notify_all();
  join_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  (void)flush();
}

void StateStore::mark_dirty() {
  bool wake;
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    // A change right after a forced write (a step's end after its start) finds the thread
    // already waiting for the due time; waking it would only make it contend for the lock.
    wake = !dirty_ && !timer_armed_;
    dirty_ = true;
  }
  if (wake) cv_.notify_all();
}

Status StateStore::write_locked_io() {
  SerializedState& text = buffers_;
  std::string run_id;
  {
    std::lock_guard<std::mutex> d(doc_mu_);
    {
      std::lock_guard<std::mutex> s(sched_mu_);
      dirty_ = false;
    }
    doc_.format_version = kFormatVersion;
    doc_.tako_version = kVersion;
    doc_.updated_at = now();
    doc_.pid = ::getpid();
    doc_.hostname = hostname_;
    serialize_document_unhashed(doc_, text, &fragments_);
    run_id = doc_.root.run_id;
  }
  fill_checksum(text);  // outside the document lock: runs may record their changes meanwhile
  Status result;
  const std::uint64_t size = text.content.size();
  if (size > opts_.max_bytes) {
    result = Error{"state file for run " + run_id + " exceeds 100 MB"};
  } else {
    if (size > opts_.warn_bytes && !warned_size_) {
      warned_size_ = true;
      if (opts_.warn) {
        opts_.warn("state file " + state_path(opts_.dir, run_id) + " is " + one_decimal_mib(size) +
                   " MB (limit 100 MB)");
      }
    }
    result = write_state_file(opts_.dir, run_id, text.content, &recycled_bytes_);
  }
  std::lock_guard<std::mutex> s(sched_mu_);
  last_write_ = std::chrono::steady_clock::now();
  if (result) {
    ++writes_;
  } else if (!first_error_) {
    first_error_ = result.error();
  }
  return result;
}

Status StateStore::write_now() {
  std::uint64_t mine;
  bool answered;
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    mine = ++requested_;
    answered = answer_expectation_locked();
  }
  if (answered) join_cv_.notify_all();
  return cover(mine);
}

std::uint64_t StateStore::request_write() {
  std::uint64_t mine;
  bool answered;
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    mine = ++requested_;
    async_requested_ = mine;
    answered = answer_expectation_locked();
  }
  cv_.notify_all();
  if (answered) join_cv_.notify_all();
  return mine;
}

std::uint64_t StateStore::defer_write() {
  std::lock_guard<std::mutex> s(sched_mu_);
  return ++requested_;
}

void StateStore::expect_requests(int n) {
  bool none_left;
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    expected_ = std::max(expected_ + n, 0);
    if (n > 0) expect_until_ = std::chrono::steady_clock::now() + opts_.join_wait;
    none_left = expected_ == 0;
  }
  if (none_left) join_cv_.notify_all();
}

bool StateStore::answer_expectation_locked() {
  if (expected_ == 0) return false;
  --expected_;
  return expected_ == 0;
}

Status StateStore::wait_written(std::uint64_t ticket) { return cover(ticket); }

Status StateStore::cover(std::uint64_t ticket) {
  std::lock_guard<std::mutex> io(io_mu_);
  std::uint64_t covering;
  {
    std::unique_lock<std::mutex> s(sched_mu_);
    // A write whose snapshot was taken after this request already covered it.
    if (covered_ >= ticket) return last_status_;
    // Runs announced to request a write soon share this one (group commit across runs).
    if (expected_ > 0 && !join_cv_.wait_until(s, expect_until_, [&] { return expected_ == 0 || stop_; })) {
      expected_ = 0;  // they did not come in time; later writes do not wait for them
    }
    covering = requested_;  // read before the snapshot: every request up to here is covered
  }
  Status result = write_locked_io();
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    covered_ = covering;
    last_status_ = result;
  }
  return result;
}

Status StateStore::flush() {
  // Always through the I/O mutex: a background write that already took the last changes
  // may still be on its way to the disk, and flush() returns only once they are there.
  std::lock_guard<std::mutex> io(io_mu_);
  bool dirty;
  {
    std::lock_guard<std::mutex> s(sched_mu_);
    dirty = dirty_;
  }
  if (dirty) (void)write_locked_io();
  return first_error();
}

void StateStore::background() {
  std::unique_lock<std::mutex> s(sched_mu_);
  auto urgent = [this] { return async_requested_ > covered_; };
  bool linger = false;  // after a forced write, changes are expected (and coalesced)
  for (;;) {
    if (stop_) return;  // the destructor flushes
    if (urgent()) {
      const std::uint64_t ticket = async_requested_;
      s.unlock();
      (void)cover(ticket);  // its waiter reads the status
      s.lock();
      linger = true;
      continue;
    }
    if (dirty_ || linger) {
      // A coalesced write is due one interval after the last write (§11.3).
      linger = false;
      timer_armed_ = true;
      const bool woken = cv_.wait_until(s, last_write_ + opts_.coalesce_interval, [&] { return stop_ || urgent(); });
      timer_armed_ = false;
      if (woken || !dirty_) continue;  // an urgent write covers the pending changes too
      s.unlock();
      {
        std::lock_guard<std::mutex> io(io_mu_);
        bool still;
        {
          std::lock_guard<std::mutex> g(sched_mu_);
          still = dirty_;
        }
        if (still) (void)write_locked_io();
      }
      s.lock();
      continue;
    }
    cv_.wait(s, [&] { return dirty_ || stop_ || urgent(); });
  }
}

StateDocument StateStore::snapshot() {
  std::lock_guard<std::mutex> d(doc_mu_);
  return doc_;
}

Status StateStore::first_error() const {
  std::lock_guard<std::mutex> s(sched_mu_);
  if (first_error_) return *first_error_;
  return {};
}

int StateStore::expected_requests() const {
  std::lock_guard<std::mutex> s(sched_mu_);
  return expected_;
}

std::uint64_t StateStore::write_count() const {
  std::lock_guard<std::mutex> s(sched_mu_);
  return writes_;
}

std::string StateStore::path() const {
  // root.run_id never changes after construction in practice; read it under the lock.
  std::lock_guard<std::mutex> d(doc_mu_);
  return state_path(opts_.dir, doc_.root.run_id);
}

}  // namespace tako::state
