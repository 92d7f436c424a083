#include "tako/engine/tree.h"

#include <unistd.h>

#include <cstdio>

#include "tako/proc/line_output.h"
#include "tako/util/fs.h"

namespace tako::engine {

Tree::Tree(ExecOptions options)
    : options_(std::move(options)), slots_(options_.max_concurrent_repos) {}

void Tree::init_state(state::StateDocument doc) {
  state::StoreOptions so;
  so.dir = state::state_dir(options_.settings.home);
  store_ = std::make_unique<state::StateStore>(std::move(so), std::move(doc));
}

Status Tree::save(bool force) {
  if (options_.dry_run || !store_) return {};
  if (force) return store_->write_now();
  store_->mark_dirty();
  return {};
}

std::optional<std::uint64_t> Tree::request_save() {
  if (options_.dry_run || !store_) return std::nullopt;
  return store_->request_write();
}

Status Tree::await_save(std::optional<std::uint64_t> ticket) {
  if (!ticket || !store_) return {};
  return store_->wait_written(*ticket);
}

std::optional<std::uint64_t> Tree::defer_save() {
  if (options_.dry_run || !store_) return std::nullopt;
  return store_->defer_write();
}

void Tree::expect_saves(int n) {
  if (!options_.dry_run && store_) store_->expect_requests(n);
}

void Tree::freeze_run(const std::string& run_id) {
  if (store_) store_->freeze_locked(run_id);
}

void Tree::thaw_all() {
  if (store_) store_->thaw_all_locked();
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
  proc::write_line(STDOUT_FILENO, "", masked);
}

void Tree::err_line(const std::string& line) {
  std::string masked = mask(line);
  std::lock_guard<std::mutex> lock(out_mu_);
  std::fflush(stdout);
  proc::write_line(STDERR_FILENO, "", masked);
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
