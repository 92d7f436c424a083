// The built-in step tako/update-dependency@v1 (REFERENCE.md §13.3, docs/BUILTINS.md): picks
// the dependency file, has the textual editor of tako_deps change the version, writes the
// file back, and optionally runs the ecosystem's lock-file tool in the file's directory.
#include <sys/stat.h>
#include <unistd.h>

#include "tako/config/builtin_steps.h"
#include "tako/deps/detect.h"
#include "tako/engine/expressions.h"
#include "tako/engine/run_executor.h"
#include "tako/proc/spawn.h"
#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

// The command that refreshes the lock file after an edit; with --local the tools run
// offline (from their caches) rather than reaching the network.
struct LockCommand {
  std::string tool;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
};

LockCommand lock_command(deps::Ecosystem eco, const config::UpdateDependencyParams& p, bool local) {
  LockCommand c;
  switch (eco) {
    case deps::Ecosystem::Go:
      c = {"go", {"mod", "tidy"}, {}};
      if (local) c.env.emplace_back("GOPROXY", "off");
      break;
    case deps::Ecosystem::Npm:
      c = {"npm", {"install", "--package-lock-only"}, {}};
      if (!p.npm_registry.empty()) {
        c.args.push_back("--registry");
        c.args.push_back(p.npm_registry);
      }
      if (local) c.args.push_back("--offline");
      break;
    case deps::Ecosystem::Cargo:
      c = {"cargo", {"update", "-p", p.name, "--precise", p.version}, {}};
      if (local) c.args.push_back("--offline");
      break;
    default:
      break;
  }
  return c;
}

// The tool as the child's PATH finds it, relative entries (and empty ones, ".") taken
// from the directory the tool runs in.
std::optional<std::string> find_tool(const std::string& tool, const std::string& path, const std::string& cwd) {
  size_t i = 0;
  for (;;) {
    size_t colon = path.find(':', i);
    std::string entry = path.substr(i, colon == std::string::npos ? std::string::npos : colon - i);
    if (entry.empty()) entry = ".";
    std::string dir = entry[0] == '/' ? entry : cwd + "/" + entry;
    std::string candidate = dir + "/" + tool;
    if (util::is_file(candidate) && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    if (colon == std::string::npos) return std::nullopt;
    i = colon + 1;
  }
}

std::string parent_dir(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

}  // namespace

StepOutcome RunExecutor::run_update_dependency(const config::Step& step, const nlohmann::json& data) {
  StepOutcome out;
  auto with = render_leaves(step.with, label(step, "with"), data);
  if (!with) {
    out.error = "failed to execute template: " + with.error().message;
    return out;
  }
  // The same rules (and messages) as the load-time checks, now on rendered values.
  auto params = config::parse_update_dependency_params(*with);
  if (!params) {
    out.error = params.error().message;
    return out;
  }
  const std::string& checkout = spec_.checkout;

  // Which file: `path` (ecosystem from `ecosystem` or the file name), else the ecosystem's
  // file, else the first of the five present in the checkout. `file` is the path relative
  // to the checkout as the user wrote it: it is what messages and the `file` output show.
  std::optional<deps::Ecosystem> eco;
  if (params->ecosystem) eco = deps::parse_ecosystem(*params->ecosystem);
  std::string file;
  if (params->path) {
    file = *params->path;
    if (!eco) eco = deps::ecosystem_of_path(file);
  } else {
    if (!eco) eco = deps::detect_ecosystem(checkout);
    if (!eco) {
      out.error = "no supported dependency file found (go.mod, package.json, pom.xml, Cargo.toml, requirements.txt)";
      return out;
    }
    file = std::string(deps::default_file(*eco));
  }
  if (!eco) {  // parse_update_dependency_params refuses this; kept for safety
    out.error = "cannot tell the ecosystem of '" + file + "': set ecosystem (go, npm, maven, cargo, pip)";
    return out;
  }
  const std::string full = checkout + "/" + file;
  if (!util::is_file(full)) {
    out.error = "dependency file '" + file + "' not found";
    return out;
  }
  // A symlink may lead out of the checkout: the resolved file must stay inside it.
  auto real_checkout = util::real_path(checkout);
  auto real_file = util::real_path(full);
  if (!real_checkout || !real_file || !real_file->starts_with(*real_checkout + "/")) {
    out.error = "path '" + file + "' escapes the repository";
    return out;
  }

  auto text = util::read_file(*real_file);
  if (!text) {
    out.error = text.error().message;
    return out;
  }
  auto edit = deps::update(*eco, *text, params->name, params->version);
  if (!edit) {
    out.error = "cannot update " + file + ": " + edit.error().message;
    return out;
  }
  if (!edit->found) {
    out.error = "dependency '" + params->name + "' not found in " + file;
    return out;
  }
  if (edit->changed) {
    struct stat st {};
    unsigned mode = ::stat(real_file->c_str(), &st) == 0 ? unsigned(st.st_mode & 07777) : 0644u;
    if (auto w = util::write_file_atomic(*real_file, edit->text, mode); !w) {
      out.error = w.error().message;
      return out;
    }
    if (edit->previous_version.empty()) {
      log_line(step.id, "Pinned " + params->name + " to " + edit->version + " in " + file);
    } else {
      log_line(step.id, "Updated " + params->name + " from " + edit->previous_version + " to " + edit->version +
                            " in " + file);
    }
  } else {
    log_line(step.id, params->name + " is already at " + edit->version + " in " + file);
  }
  out.outputs["file"] = file;
  out.outputs["previous_version"] = edit->previous_version;
  out.outputs["version"] = edit->version;
  out.outputs["changed"] = edit->changed ? "true" : "false";

  if (params->update_lock_files) {
    if (auto s = update_lock_file(step, data, *eco, *params, file, edit->changed); !s) {
      out.error = s.error().message;
      return out;
    }
  }
  out.ok = true;
  return out;
}

Status RunExecutor::update_lock_file(const config::Step& step, const nlohmann::json& data, deps::Ecosystem eco,
                                     const config::UpdateDependencyParams& params, const std::string& file,
                                     bool changed) {
  if (!deps::lock_tool(eco)) {
    log_line(step.id, "No lock file to update for " + std::string(deps::ecosystem_name(eco)));
    return {};
  }
  if (!changed) {
    log_line(step.id, "Lock file left as it is: " + file + " did not change");
    return {};
  }
  LockCommand cmd = lock_command(eco, params, tree_.options().settings.local);
  // The step's environment (workflow and step env, no secrets of tako's own), where the
  // tool is looked up on its PATH.
  Status env_error;
  std::vector<std::string> env = step_environment(step, data, std::nullopt, "", &env_error);
  if (!env_error) return env_error;
  for (const auto& [k, v] : cmd.env) proc::env_set(env, k, v);
  const std::string dir = parent_dir(file);
  const std::string cwd = dir.empty() ? spec_.checkout : spec_.checkout + "/" + dir;
  auto tool_path = find_tool(cmd.tool, proc::env_get(env, "PATH").value_or(""), cwd);
  if (!tool_path) return Error{"lock file update requires '" + cmd.tool + "' on PATH"};

  proc::ChildSpec cs;
  cs.spawn.argv = {*tool_path};
  cs.spawn.argv.insert(cs.spawn.argv.end(), cmd.args.begin(), cmd.args.end());
  cs.spawn.cwd = cwd;
  cs.spawn.env = std::move(env);
  cs.spawn.stdout_mode = proc::Stdio::Pipe;
  cs.spawn.stderr_mode = proc::Stdio::Pipe;
  if (step.timeout) {
    auto t = util::parse_go_duration(*step.timeout);
    if (t && t->count() > 0) cs.timeout = *t;
  }
  std::string sid = step.id;
  cs.on_line = [this, sid](proc::Stream, std::string_view line, bool) { log_line(sid, std::string(line)); };
  std::optional<proc::ExitInfo> exit;
  cs.on_exit = [&exit](proc::ExitInfo& info) { exit = info; };
  log_line(step.id, "$ " + cmd.tool + " " + util::join(cmd.args, " "));
  auto id = sup_->spawn(std::move(cs));
  if (!id) return Error{"lock file update failed: " + id.error().message};
  sup_->wait(*id);
  if (!exit) return Error{"lock file update failed: " + cmd.tool + " did not finish"};
  if (exit->timed_out) return Error{"timed out after " + *step.timeout};
  if (interrupted_ && exit->terminated) return Error{"interrupted"};
  if (!exit->status.success()) return Error{"lock file update failed: " + cmd.tool + " " + exit->status.describe()};
  return {};
}

}  // namespace tako::engine
