#include "tako/engine/tree.h"

#include <unistd.h>

#include <cstdio>

#include "tako/util/console.h"
#include "tako/util/fs.h"

namespace tako::engine {

Tree::Tree(ExecOptions options)
    : options_(std::move(options)), slots_(options_.max_concurrent_repos) {}

void Tree::init_state(state::StateDocument doc, std::unique_ptr<store::SharedJournal> journal) {
  doc_ = std::move(doc);
  journal_ = std::move(journal);
}

Status Tree::record(const std::function<Status(store::Journal&)>& change) {
  if (options_.dry_run || !journal_) return {};
  return journal_->apply(change);
}

Status Tree::finish_state() {
  if (options_.dry_run || !journal_) return {};
  return journal_->finish();
}

Status Tree::add_state_bytes(std::uint64_t bytes) {
  const std::uint64_t total = state_bytes_.fetch_add(bytes) + bytes;
  std::string root_id;
  if (total > kStateWarnBytes || total > kStateMaxBytes) root_id = doc_.root.run_id;  // set once, before any run
  if (total > kStateMaxBytes) return Error{"state for run " + root_id + " exceeds 100 MB"};
  if (total > kStateWarnBytes && !size_warned_.exchange(true)) {
    char mb[32];
    std::snprintf(mb, sizeof mb, "%.1f", double(total) / double(1 << 20));
    err_line("warning: run " + root_id + " has " + mb + " MB of state (limit 100 MB)");
  }
  return {};
}

void Tree::add_secret(const std::string& value) {
  std::lock_guard<std::mutex> lock(mask_mu_);
  masker_.add(value);
}

void Tree::add_secret_name(const std::string& name) {
  std::lock_guard<std::mutex> lock(mask_mu_);
  secret_names_.insert(name);
}

std::set<std::string> Tree::secret_names() const {
  std::lock_guard<std::mutex> lock(mask_mu_);
  return secret_names_;
}

std::string Tree::mask(std::string_view text) const {
  std::lock_guard<std::mutex> lock(mask_mu_);
  return masker_.mask(text);
}

void Tree::mask_json(nlohmann::json& value) const {
  std::lock_guard<std::mutex> lock(mask_mu_);
  masker_.mask_json(value);
}

void Tree::mask_file(const std::string& path) const {
  {
    std::lock_guard<std::mutex> lock(mask_mu_);
    if (masker_.empty()) return;
  }
  auto text = util::read_file(path);
  if (!text) return;
  std::string masked = mask(*text);
  if (masked != *text) (void)util::write_file_atomic(path, masked, 0666);
}

void Tree::out_line(const std::string& line) {
  if (options_.json) return;  // --json: human stdout lines are suppressed
  std::string masked = mask(line);
  std::lock_guard<std::mutex> lock(out_mu_);
  std::fflush(stdout);
  util::console_write(STDOUT_FILENO, masked + "\n");  // above a live view, when one is drawn
}

void Tree::err_line(const std::string& line) {
  std::string masked = mask(line);
  std::lock_guard<std::mutex> lock(out_mu_);
  std::fflush(stdout);
  util::console_write(STDERR_FILENO, masked + "\n");
}

void Tree::debug(const std::string& line) {
  if (options_.debug) err_line("[debug] " + mask(line));
}

Result<const repo::Universe*> Tree::universe() {
  std::lock_guard<std::mutex> lock(universe_mu_);
  if (!universe_) {
    repo::Settings settings = options_.settings;
    // Dry runs use existing checkouts only, as with --local (§7.10).
    if (options_.dry_run) settings.local = true;
    resolver_.emplace(settings);
    repo::EntryOptions entry;
    entry.root = options_.root_flag;
    entry.repo = options_.repo_flag;
    universe_.emplace(repo::Universe::build(*resolver_, entry, /*strict=*/false));
  }
  if (!universe_->ok()) return universe_->error();
  return &universe_->value();
}

}  // namespace tako::engine
