#include "tako/engine/lock_waits.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "tako/util/file_lock.h"
#include "tako/util/fs.h"

namespace tako::engine {

LockWaits& LockWaits::instance() {
  static LockWaits w;
  return w;
}

void LockWaits::enable(const std::string& home) {
  std::random_device rd;
  char token[17];
  std::snprintf(token, sizeof token, "%08x%08x", rd(), rd());
  std::lock_guard l(mu_);
  file_ = home + "/locks/waits-" + std::to_string(::getpid()) + "-" + token + ".json";
}

std::string LockWaits::file() const {
  std::lock_guard l(mu_);
  return file_;
}

LockWaits::Guard::~Guard() {
  if (id_ != 0) LockWaits::instance().remove(id_);
}

LockWaits::Guard LockWaits::add(LockWait w) {
  std::lock_guard l(mu_);
  if (file_.empty()) return Guard();
  unsigned long long id = next_id_++;
  waits_.emplace_back(id, std::move(w));
  write_locked();
  return Guard(id);
}

void LockWaits::remove(unsigned long long id) {
  std::lock_guard l(mu_);
  std::erase_if(waits_, [&](const auto& e) { return e.first == id; });
  write_locked();
}

void LockWaits::write_locked() {
  if (waits_.empty()) {
    ::unlink(file_.c_str());
    return;
  }
  std::vector<LockWait> ws;
  for (const auto& e : waits_) ws.push_back(e.second);
  auto slash = file_.find_last_of('/');
  (void)util::make_dirs(file_.substr(0, slash), 0700);
  // Best effort: without the file other processes fall back to --lock-timeout.
  (void)util::write_file_atomic(file_, wait_file_json(::getpid(), ws), 0600);
}

std::string wait_file_json(long long pid, const std::vector<LockWait>& waits) {
  nlohmann::ordered_json j;
  j["pid"] = pid;
  j["waits"] = nlohmann::ordered_json::array();
  for (const auto& w : waits) {
    j["waits"].push_back({{"lock", w.lock}, {"repository", w.repository}, {"runs", w.runs}});
  }
  return j.dump();
}

namespace {

bool pid_alive(long long pid) { return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM); }

// The waits recorded by `holder`'s process for its run or the run's descendants.
std::vector<LockWait> waits_of(const util::LockHolder& holder, const DeadlockQuery& q) {
  std::vector<LockWait> out;
  if (holder.wait_file.empty()) return out;
  if (!(q.alive ? q.alive(holder.pid) : pid_alive(holder.pid))) return out;
  auto text = util::read_file(holder.wait_file);
  if (!text) return out;
  auto j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("pid") || !j["pid"].is_number_integer() ||
      j["pid"].get<long long>() != holder.pid || !j.contains("waits") || !j["waits"].is_array()) {
    return out;
  }
  for (const auto& w : j["waits"]) {
    if (!w.is_object() || !w.contains("lock") || !w["lock"].is_string() || !w.contains("runs") ||
        !w["runs"].is_array()) {
      continue;
    }
    LockWait lw;
    lw.lock = w["lock"].get<std::string>();
    if (w.contains("repository") && w["repository"].is_string()) lw.repository = w["repository"].get<std::string>();
    for (const auto& r : w["runs"]) {
      if (r.is_string()) lw.runs.push_back(r.get<std::string>());
    }
    if (std::find(lw.runs.begin(), lw.runs.end(), holder.run_id) != lw.runs.end()) out.push_back(std::move(lw));
  }
  return out;
}

}  // namespace

std::string find_deadlock(const DeadlockQuery& q) {
  auto first = util::read_lock_holder(q.lock);
  if (!first || first->run_id.empty()) return {};
  auto ours = [&](const util::LockHolder& h) {
    return h.pid == q.self_pid && std::find(q.own_runs.begin(), q.own_runs.end(), h.run_id) != q.own_runs.end();
  };
  auto message = [&](const std::string& last_repository) {
    return "deadlock: " + q.repository + " is held by run " + first->run_id + ", which waits for " +
           last_repository + " held by this tree";
  };
  if (ours(*first)) return message(q.repository);
  // Breadth-first over (holder → locks it waits for → their holders); each lock once.
  std::set<std::string> seen{q.lock};
  std::vector<util::LockHolder> frontier{*first};
  for (int hop = 0; hop < q.max_hops && !frontier.empty(); ++hop) {
    std::vector<util::LockHolder> next;
    for (const auto& h : frontier) {
      for (const auto& w : waits_of(h, q)) {
        if (!seen.insert(w.lock).second) continue;
        auto holder = util::read_lock_holder(w.lock);
        if (!holder || holder->run_id.empty()) continue;
        if (ours(*holder)) return message(w.repository.empty() ? holder->repository : w.repository);
        next.push_back(std::move(*holder));
      }
    }
    frontier = std::move(next);
  }
  return {};
}

}  // namespace tako::engine
