#include "tako/repo/resolver.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <thread>

#include "tako/repo/git.h"
#include "tako/util/file_lock.h"
#include "tako/util/console.h"
#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::repo {

namespace {

using util::is_dir;
using util::is_file;

std::string dirname(const std::string& p) {
  auto slash = p.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

std::string random_suffix() {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(rd()));
  return buf;
}

}  // namespace

void touch_dir(const std::string& path) { ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0); }

std::string Resolver::cache_path(const RepoSpec& spec) const {
  return settings_.repos_dir() + "/" + spec.owner + "/" + spec.name + "/" + spec.ref;
}

Result<Resolved> Resolver::resolve(const RepoSpec& spec, bool from_dependents, const std::string& entry_path) {
  std::string key = util::to_lower(spec.display()) + (from_dependents ? "|d" : "|e");
  if (auto it = done_.find(key); it != done_.end()) return it->second;

  Result<Resolved> result = [&]() -> Result<Resolved> {
    const std::string cached = cache_path(spec);
    if (settings_.local) {
      if (from_dependents && !entry_path.empty()) {
        std::string sibling = dirname(entry_path) + "/" + spec.name;
        if (is_file(sibling + "/tako.yml")) return Resolved{sibling, true};
      }
      if (is_dir(cached)) {
        touch_dir(cached);
        return Resolved{cached, false};
      }
      return Error{"TAKO_E006: repository " + spec.display() +
                   " not found in cache or local test structure - stat " + cached +
                   ": no such file or directory"};
    }
    // All clone/update work on one checkout happens under its cache lock (§3.2, §14).
    auto timeout = util::parse_go_duration(settings_.lock_timeout);
    util::LockRequest req;
    req.lock_path = util::cache_lock_path(settings_.cache_dir, spec.owner, spec.name, spec.ref);
    req.repository = spec.display();
    req.self.run_id = "tako-cache";
    req.self.repository = spec.display();
    req.self.path = cached;
    req.timeout = timeout ? *timeout : std::chrono::minutes(10);
    req.timeout_text = settings_.lock_timeout;
    auto lock = util::acquire_lock(req);
    if (!lock) return lock.error();
    if (!is_dir(cached)) {
      auto cloned = clone(spec, cached);
      if (!cloned) return cloned.error();
    } else {
      auto updated = update(spec, cached);
      if (!updated) return updated.error();
    }
    touch_dir(cached);
    return Resolved{cached, false};
  }();
  done_.emplace(key, result);
  return result;
}

Result<std::string> Resolver::clone(const RepoSpec& spec, const std::string& dest) {
  std::string url = util::replace_all(util::replace_all(settings_.url_template, "{owner}", spec.owner),
                                      "{repo}", spec.name);
  std::string parent = dirname(dest);
  if (auto made = util::make_dirs(parent); !made) return made.error();
  std::string tmp = parent + "/.tmp-" + util::replace_all(spec.ref, "/", "_") + "-" +
                    std::to_string(::getpid()) + "-" + random_suffix();
  std::error_code ec;
  GitResult r;
  for (int attempt = 1; attempt <= 3; ++attempt) {
    r = run_git({"clone", "--quiet", url, tmp});
    if (r.ok()) break;
    std::filesystem::remove_all(tmp, ec);
    if (attempt < 3) std::this_thread::sleep_for(std::chrono::seconds(attempt));
  }
  if (!r.ok()) {
    return Error{"TAKO_E001: failed to clone repo " + url + ": " + r.trimmed() + " - exit status " +
                 std::to_string(r.exit_code)};
  }
  GitResult co = run_git({"-C", tmp, "checkout", "--quiet", spec.ref});
  if (!co.ok()) {
    std::filesystem::remove_all(tmp, ec);
    return Error{"TAKO_E002: failed to checkout ref " + spec.ref + " in " + dest + ": " + co.trimmed() +
                 " - exit status " + std::to_string(co.exit_code)};
  }
  if (::rename(tmp.c_str(), dest.c_str()) != 0) {
    // Another process finished the same clone first: use theirs.
    std::filesystem::remove_all(tmp, ec);
    if (!is_dir(dest)) return Error{"rename " + tmp + " " + dest + ": " + util::os_error_text(errno)};
  }
  return dest;
}

Status Resolver::update(const RepoSpec& spec, const std::string& path) {
  GitResult fetch = run_git({"-C", path, "fetch", "--quiet", "--prune", "origin"});
  if (!fetch.ok()) {
    return Error{"TAKO_E007: failed to update repo " + spec.display() + ": " + fetch.trimmed() +
                 " - exit status " + std::to_string(fetch.exit_code)};
  }
  GitResult co = run_git({"-C", path, "checkout", "--quiet", spec.ref});
  if (!co.ok()) {
    return Error{"TAKO_E002: failed to checkout ref " + spec.ref + " in " + path + ": " + co.trimmed() +
                 " - exit status " + std::to_string(co.exit_code)};
  }
  GitResult refs = run_git({"-C", path, "for-each-ref", "--format=%(refname)", "refs/heads/" + spec.ref,
                            "refs/remotes/origin/" + spec.ref});
  bool branch = refs.output.find("refs/heads/" + spec.ref + "\n") != std::string::npos;
  bool tracking = refs.output.find("refs/remotes/origin/" + spec.ref + "\n") != std::string::npos;
  if (branch && tracking) {
    GitResult ff = run_git({"-C", path, "merge", "--quiet", "--ff-only", "origin/" + spec.ref});
    if (!ff.ok() && settings_.warnings) {
      std::fflush(stdout);
      util::console_write(STDERR_FILENO,
                          "warning: " + spec.display() + " has diverged from origin; using the cached checkout\n");
    }
  }
  return {};
}

}  // namespace tako::repo
