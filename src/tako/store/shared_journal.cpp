#include "tako/store/shared_journal.h"

namespace tako::store {

Result<std::unique_ptr<SharedJournal>> SharedJournal::open(const std::string& path, JournalOptions opts) {
  auto j = Journal::open(path, std::move(opts));
  if (!j) return j.error();
  return std::unique_ptr<SharedJournal>(new SharedJournal(std::move(*j)));
}

SharedJournal::SharedJournal(std::unique_ptr<Journal> j) : journal_(std::move(j)) {
  thread_ = std::thread([this] { timer(); });
}

SharedJournal::~SharedJournal() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  journal_.reset();  // Journal's destructor syncs what is unsynced
}

Status SharedJournal::apply(const std::function<Status(Journal&)>& change) {
  Status s;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = change(*journal_);
    if (!s && !first_error_) first_error_ = s.error();
  }
  // A commit may have armed the sync deadline: the timer re-reads it.
  cv_.notify_all();
  return s;
}

Status SharedJournal::finish() {
  std::lock_guard<std::mutex> lock(mu_);
  Status s = journal_->sync();
  if (!s && !first_error_) first_error_ = s.error();
  if (first_error_) return *first_error_;
  return {};
}

Status SharedJournal::first_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (first_error_) return *first_error_;
  return {};
}

std::uint64_t SharedJournal::sync_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return journal_->sync_count();
}

void SharedJournal::timer() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    std::optional<SteadyTime> deadline = journal_->next_sync_deadline();
    if (!deadline) {
      cv_.wait(lock);
      continue;
    }
    if (cv_.wait_until(lock, *deadline) == std::cv_status::timeout) {
      Status s = journal_->sync_if_due();
      if (!s && !first_error_) first_error_ = s.error();
    }
  }
}

}  // namespace tako::store
