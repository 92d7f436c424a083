#include "tako/repo/universe.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <deque>
#include <map>
#include <set>
#include <thread>

#include "tako/config/loader.h"
#include "tako/repo/identity.h"
#include "tako/util/console.h"
#include "tako/util/fs.h"
#include "tako/util/strings.h"

namespace tako::repo {

namespace {

bool has_tako_yml(const std::string& dir) {
  return util::is_file(dir + "/tako.yml");
}

// Sorted names of the subdirectories of `dir` (no dot entries).
std::vector<std::string> subdirs(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN || e->d_type == DT_LNK) is_dir = util::is_dir(dir + "/" + name);
    if (is_dir) out.push_back(name);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

std::string parent_dir(const std::string& p) {
  auto slash = p.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return "/";
  return p.substr(0, slash);
}

// Configs of independent repositories, parsed and validated on up to kConfigLoaders threads: with
// hundreds of repositories parsing is most of a universe's cost. Results keep the order of `dirs`,
// so members and warnings come out as they would one after another.
constexpr std::size_t kConfigLoaders = 4;
constexpr std::size_t kConfigsPerLoader = 16;  // fewer are not worth a thread

using ConfigResult = Result<std::shared_ptr<const config::Config>>;

std::vector<ConfigResult> load_repo_configs(const std::vector<std::string>& dirs) {
  std::vector<ConfigResult> loaded(dirs.size(), ConfigResult(Error{"not loaded"}));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < dirs.size();) {
      try {
        loaded[i] = load_repo_config(dirs[i]);
      } catch (const std::exception& e) {  // must not escape a loader thread
        loaded[i] = ConfigResult(Error{dirs[i] + "/tako.yml: " + e.what()});
      }
    }
  };
  const std::size_t hw = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t workers = std::min({hw, kConfigLoaders, dirs.size() / kConfigsPerLoader});
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  return loaded;
}

std::string ignored_text(const std::string& identity, const std::string& path, const std::string& error) {
  return "warning: ignoring repository " + identity + " (" + path + "): " + error + "\n";
}

}  // namespace

Result<std::string> entry_directory(const std::optional<std::string>& root) {
  if (root) return expand_path(*root);
  std::string buf(4096, '\0');
  while (::getcwd(buf.data(), buf.size()) == nullptr) {
    if (errno != ERANGE) {
      return Error{"TAKO_E003: could not determine current working directory - getwd: " +
                   util::os_error_text(errno)};
    }
    buf.resize(buf.size() * 2);
  }
  return std::string(buf.c_str());
}

Result<std::shared_ptr<const config::Config>> load_repo_config(const std::string& dir) {
  auto cfg = config::load_file(dir + "/tako.yml");
  if (!cfg) return cfg.error();
  return std::make_shared<const config::Config>(std::move(*cfg));
}

int Universe::find(const std::string& identity) const {
  auto it = index_.find(util::to_lower(identity));
  return it == index_.end() ? -1 : it->second;
}

void Universe::append(Member m) {
  index_.emplace(util::to_lower(m.identity), int(members_.size()));
  members_.push_back(std::move(m));
}

Result<Universe> Universe::build(Resolver& resolver, const EntryOptions& entry_opts, bool strict,
                                 const ResolveProgressFn& progress) {
  Universe u;
  ResolveProgress counts;
  std::set<std::string> expected;  // lowercased slugs counted in counts.total
  std::set<std::string> finished;  // ... and those of them counted in counts.done
  auto expect = [&](const std::string& slug) {
    if (expected.insert(util::to_lower(slug)).second) ++counts.total;
  };
  // A counted repository that needs no resolution after all (known by then) is done.
  auto settle = [&](const std::string& slug) {
    const std::string key = util::to_lower(slug);
    if (expected.count(key) && finished.insert(key).second) ++counts.done;
  };
  // Resolves `spec` through the resolver, telling `progress` before and after.
  auto resolve = [&](const RepoSpec& spec, bool from_dependents, const std::string& entry_path) {
    expect(spec.slug());
    counts.current = spec.slug();
    if (progress) progress(counts);
    const bool fresh = finished.count(util::to_lower(spec.slug())) == 0;
    auto resolved = resolver.resolve(spec, from_dependents, entry_path);
    settle(spec.slug());
    if (!resolved && fresh) ++counts.failed;
    counts.current.clear();
    if (progress) progress(counts);
    return resolved;
  };
  // Warnings are printed once the universe is complete: a strict build that
  // fails on an invalid dependents target reports only that error.
  std::string warnings;
  std::map<std::string, std::string> invalid;  // path -> load error
  auto warn_ignored = [&](const std::string& identity, const std::string& path, const std::string& error) {
    if (invalid.emplace(path, error).second) warnings += ignored_text(identity, path, error);
  };
  const Settings& settings = resolver.settings();
  const std::string repos_dir = settings.repos_dir();

  // 1. The entry.
  Member entry;
  entry.source = "entry";
  if (entry_opts.repo) {
    auto spec = parse_spec(*entry_opts.repo);
    if (!spec) return spec.error();
    auto resolved = resolve(*spec, /*from_dependents=*/false, "");
    if (!resolved) return resolved.error();
    entry.path = resolved->path;
    entry.ref = spec->ref;
  } else {
    auto dir = entry_directory(entry_opts.root);
    if (!dir) return dir.error();
    entry.path = *dir;
  }
  auto entry_cfg = load_repo_config(entry.path);
  if (!entry_cfg) return entry_cfg.error();
  entry.config = *entry_cfg;
  entry.identity = compute_identity(entry.path, entry.config->metadata_name, repos_dir);
  u.append(std::move(entry));

  auto find_path = [&](const std::string& path) -> int {
    for (size_t i = 0; i < u.members_.size(); ++i) {
      if (u.members_[i].path == path) return int(i);
    }
    return -1;
  };
  // Adds a loaded repository unless its identity is known; returns its index.
  auto add = [&](Member m) -> int {
    int existing = u.find(m.identity);
    if (existing >= 0) return existing;
    u.append(std::move(m));
    return int(u.members_.size()) - 1;
  };

  // 2. With --local and without --repo: sibling directories holding tako.yml.
  const std::string entry_path = u.members_[0].path;
  if (settings.local && !entry_opts.repo) {
    std::string parent = parent_dir(entry_path);
    std::vector<std::string> paths;
    for (const auto& name : subdirs(parent)) {
      std::string path = parent == "/" ? "/" + name : parent + "/" + name;
      if (path != entry_path && has_tako_yml(path)) paths.push_back(std::move(path));
    }
    auto configs = load_repo_configs(paths);
    for (std::size_t i = 0; i < paths.size(); ++i) {
      const std::string& path = paths[i];
      auto& cfg = configs[i];
      if (!cfg) {
        warn_ignored(compute_identity(path, "", repos_dir), path, cfg.error().message);
        continue;
      }
      Member m;
      m.path = path;
      m.source = "local";
      m.config = *cfg;
      m.identity = compute_identity(path, m.config->metadata_name, repos_dir);
      add(std::move(m));
    }
  }

  // 3. Transitive closure of `dependents` targets, from every member at or after `first`
  //    (members it adds are visited too). `fatal` makes an unresolvable or invalid target an error.
  auto close_dependents = [&](size_t first, bool fatal) -> Status {
    for (size_t i = first; i < u.members_.size(); ++i) {
      auto cfg = u.members_[i].config;
      // The whole list counts towards the total before the first of them is resolved.
      for (const auto& dep : cfg->dependents) {
        auto spec = parse_spec(dep.repo);
        if (spec && u.find(spec->slug()) < 0) expect(spec->slug());
      }
      std::vector<int> targets;
      for (const auto& dep : cfg->dependents) {
        auto spec = parse_spec(dep.repo);
        if (!spec) {
          if (fatal) return spec.error();
          targets.push_back(-1);
          continue;
        }
        // A repository already known by identity is not resolved again (no
        // second clone of the entry, and cycles terminate).
        int known = u.find(spec->slug());
        if (known >= 0) {
          settle(spec->slug());
          targets.push_back(known);
          continue;
        }
        auto resolved = resolve(*spec, /*from_dependents=*/true, entry_path);
        if (!resolved) {
          if (fatal) return resolved.error();
          warn_ignored(spec->slug(), resolver.cache_path(*spec), resolved.error().message);
          targets.push_back(-1);
          continue;
        }
        int by_path = find_path(resolved->path);
        if (by_path >= 0) {
          targets.push_back(by_path);
          continue;
        }
        if (auto bad = invalid.find(resolved->path); bad != invalid.end() && !fatal) {
          targets.push_back(-1);  // already reported
          continue;
        }
        auto dep_cfg = load_repo_config(resolved->path);
        if (!dep_cfg) {
          if (fatal) {
            const std::string& msg = dep_cfg.error().message;
            return Error{msg.rfind("failed to load config: ", 0) == 0 ? msg : "failed to load config: " + msg};
          }
          warn_ignored(spec->slug(), resolved->path, dep_cfg.error().message);
          targets.push_back(-1);
          continue;
        }
        Member m;
        m.path = resolved->path;
        m.source = "dependents";
        if (!resolved->sibling) m.ref = spec->ref;
        m.config = *dep_cfg;
        m.identity = compute_identity(m.path, m.config->metadata_name, repos_dir);
        targets.push_back(add(std::move(m)));
      }
      u.members_[i].dependents = std::move(targets);
    }
    return {};
  };
  if (auto closed = close_dependents(0, strict); !closed) return closed.error();

  // 4. Every cached checkout holding tako.yml; one ref per owner/repo.
  struct Cached {
    std::string identity, ref, path;
  };
  std::vector<Cached> cached;
  std::vector<std::string> cached_paths;
  for (const auto& owner : subdirs(repos_dir)) {
    for (const auto& name : subdirs(repos_dir + "/" + owner)) {
      std::string identity = owner + "/" + name;
      if (u.find(identity) >= 0) continue;
      std::string base = repos_dir + "/" + owner + "/" + name;
      std::vector<std::string> refs;
      for (const auto& ref : subdirs(base)) {
        if (has_tako_yml(base + "/" + ref)) refs.push_back(ref);
      }
      if (refs.empty()) continue;
      std::string ref = std::find(refs.begin(), refs.end(), "main") != refs.end() ? "main" : refs.front();
      cached_paths.push_back(base + "/" + ref);
      cached.push_back({std::move(identity), std::move(ref), cached_paths.back()});
    }
  }
  auto cached_configs = load_repo_configs(cached_paths);
  const size_t first_cached = u.members_.size();
  for (std::size_t i = 0; i < cached.size(); ++i) {
    auto& cfg = cached_configs[i];
    if (!cfg) {
      warn_ignored(cached[i].identity, cached[i].path, cfg.error().message);
      continue;
    }
    Member m;
    m.identity = std::move(cached[i].identity);
    m.path = std::move(cached[i].path);
    m.ref = std::move(cached[i].ref);
    m.source = "cache";
    m.config = *cfg;
    u.append(std::move(m));
  }
  // §3.5: the closure is taken from every member, so the `dependents` of cached checkouts are
  // resolved as well (a target that exists only as a remote is cloned like any other). A target
  // that cannot be resolved or loaded is only a warning here, even for graph and run: a stale
  // checkout in the cache must not break commands on repositories that never name it.
  if (auto closed = close_dependents(first_cached, false); !closed) return closed.error();
  if (!warnings.empty()) {
    std::fflush(stdout);
    util::console_write(STDERR_FILENO, warnings);  // above a live view, when one is drawn
  }
  return u;
}

}  // namespace tako::repo
