// The built-in step tako/create-pull-request@v1 (REFERENCE.md §13.4, docs/BUILTINS.md):
// commit the checkout's changes to a branch, push it to `origin` and open a pull request
// with `gh` when it is on PATH and origin is on github.com.
//
// git and gh run as children of the run's supervisor (not repo::run_git), so an interrupt,
// a cancellation of the run and the step's `timeout` stop them like a `run` step's process,
// and with the step environment (§7.6 a): `env: {GH_TOKEN: GH_TOKEN}` hands a secret to gh.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "tako/config/builtin_steps.h"
#include "tako/engine/expressions.h"
#include "tako/engine/run_executor.h"
#include "tako/pr/command_line.h"
#include "tako/pr/github_remote.h"
#include "tako/pr/pr_commands.h"
#include "tako/proc/command_path.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

// One finished git/gh command.
struct ToolRun {
  int exit_code = -1;       // -1: did not run or did not exit normally
  std::string output;       // stdout and stderr lines in arrival order
  std::string stdout_text;  // stdout alone (gh prints the pull request URL there)
  std::string stopped;      // set when the step must end now: "interrupted", "timed out after …", spawn error
  bool ok() const { return exit_code == 0 && stopped.empty(); }
  std::string trimmed() const { return std::string(util::trim(output)); }
};

// "<what>: <output>", or "<what>: exit status <n>" when the command printed nothing.
std::string failure(const std::string& what, const ToolRun& r) {
  std::string text = r.trimmed();
  return what + ": " + (text.empty() ? "exit status " + std::to_string(r.exit_code) : text);
}

}  // namespace

StepOutcome RunExecutor::run_create_pull_request(const config::Step& step, const nlohmann::json& data,
                                                 const std::optional<std::string>& on_failure_of) {
  StepOutcome out;
  auto with = render_leaves(step.with, label(step, "with"), data);
  if (!with) {
    out.error = "failed to execute template: " + with.error().message;
    return out;
  }
  // The same rules and messages as the load-time checks.
  auto params = config::parse_create_pull_request_params(*with);
  if (!params) {
    out.error = params.error().message;
    return out;
  }
  const std::string head = params->head.empty() ? "tako/" + run_id_ : params->head;
  const std::string& base = params->base;
  const std::string message = params->commit_message.empty() ? params->title : params->commit_message;
  // parse_create_pull_request_params checked the given names; the default head is only known now.
  for (const auto& [key, name] : {std::pair<std::string, std::string>{"base", base}, {"head", head}}) {
    if (!config::is_valid_branch_name(name)) {
      out.error = key + " '" + name + "' is not a valid branch name";
      return out;
    }
  }
  if (head == base) {
    out.error = config::same_branch_message(head);
    return out;
  }
  const bool local = tree_.options().settings.local;
  const std::string& path = spec_.checkout;

  // The step environment of §7.6 (a), as a `run` step gets it; git never prompts.
  const std::string tmp_dir = spec_.workspace + "/tmp/" + step.id;
  if (auto s = tree_.scratch_dirs().make_scratch(tmp_dir, 0777); !s) {
    out.error = s.error().message;
    return out;
  }
  Status env_error;
  std::vector<std::string> env = step_environment(step, data, on_failure_of, tmp_dir + "/output", &env_error);
  if (!env_error) {
    out.error = env_error.error().message;
    return out;
  }
  proc::env_set(env, "GIT_TERMINAL_PROMPT", "0");

  std::optional<std::chrono::steady_clock::time_point> deadline;
  if (step.timeout) {
    auto t = util::parse_go_duration(*step.timeout);
    if (t && t->count() > 0) deadline = std::chrono::steady_clock::now() + *t;
  }

  // Runs `program args…` in the checkout. `logged`: the command line and its output go to
  // the step log (the commands that change something); queries stay out of it.
  auto run = [&](const std::string& program, const std::vector<std::string>& args, bool logged,
                 const std::vector<std::string>* env_override = nullptr) {
    ToolRun r;
    if (cancelled_.load() || interrupted_) {
      r.stopped = "interrupted";
      return r;
    }
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    if (logged) {
      std::vector<std::string> shown{program == "git" ? "git" : "gh"};
      shown.insert(shown.end(), args.begin(), args.end());
      log_line(step.id, "$ " + pr::shell_line(shown));
    }
    proc::ChildSpec cs;
    cs.spawn.argv = std::move(argv);
    cs.spawn.cwd = path;
    cs.spawn.env = env_override ? *env_override : env;
    cs.spawn.stdout_mode = proc::Stdio::Pipe;
    cs.spawn.stderr_mode = proc::Stdio::Pipe;
    cs.capture_stdout = true;
    if (deadline) {
      auto remaining = *deadline - std::chrono::steady_clock::now();
      if (remaining <= std::chrono::nanoseconds(0)) {
        r.stopped = "timed out after " + *step.timeout;
        return r;
      }
      cs.timeout = remaining;
    }
    const std::string sid = step.id;
    cs.on_line = [this, &r, sid, logged](proc::Stream, std::string_view line, bool eol) {
      r.output.append(line);
      if (eol) r.output += '\n';
      if (logged) log_line(sid, std::string(line));
    };
    cs.on_exit = [this, &r, &step](proc::ExitInfo& info) {
      r.stdout_text = std::move(info.stdout_text);
      if (info.timed_out) {
        r.stopped = "timed out after " + step.timeout.value_or("");
      } else if (info.terminated && (interrupted_ || cancelled_.load())) {
        r.stopped = "interrupted";
      } else if (info.status.exited()) {
        r.exit_code = info.status.exit_code;
      } else {
        r.stopped = info.status.describe();
      }
    };
    auto id = sup_->spawn(std::move(cs));
    if (!id) {
      r.stopped = id.error().message;
      return r;
    }
    sup_->wait(*id);
    return r;
  };
  auto git = [&](const std::vector<std::string>& args, bool logged) { return run("git", args, logged); };
  auto git_ok = [&](const std::vector<std::string>& args) { return git(args, false).ok(); };

  // origin first: without one (and not --local) nothing in the checkout is changed.
  std::string origin;
  if (!local) {
    ToolRun o = git({"remote", "get-url", "origin"}, false);
    if (!o.stopped.empty()) {
      out.error = o.stopped;
      return out;
    }
    if (!o.ok()) {
      out.error = "TAKO_E008: failed to get remote URL for " + path + ": " + o.trimmed() + " - exit status " +
                  std::to_string(o.exit_code);
      return out;
    }
    origin = o.trimmed();
  }

  ToolRun status = git({"status", "--porcelain"}, false);
  if (!status.ok()) {
    out.error = status.stopped.empty() ? failure("failed to read the status of " + path, status) : status.stopped;
    return out;
  }
  const bool has_changes = !status.trimmed().empty();
  if (has_changes) {
    ToolRun co = git({"checkout", "-B", head}, true);
    if (!co.ok()) {
      out.error = co.stopped.empty() ? failure("failed to create branch " + head, co) : co.stopped;
      return out;
    }
    ToolRun add = git({"add", "-A"}, true);
    if (!add.ok()) {
      out.error = add.stopped.empty() ? failure("failed to stage changes", add) : add.stopped;
      return out;
    }
    // Identity set explicitly — git's configuration (any scope), or GIT_AUTHOR_* and
    // GIT_COMMITTER_* (EMAIL for the address), which git prefers anyway; what is missing
    // comes from tako's fallback instead of git's guess from the user and host names.
    auto env_set_nonempty = [&](const char* key) {
      auto v = proc::env_get(env, key);
      return v && !v->empty();
    };
    bool has_name = (env_set_nonempty("GIT_AUTHOR_NAME") && env_set_nonempty("GIT_COMMITTER_NAME")) ||
                    git_ok({"config", "--get", "user.name"});
    bool has_email = (env_set_nonempty("GIT_AUTHOR_EMAIL") && env_set_nonempty("GIT_COMMITTER_EMAIL")) ||
                     env_set_nonempty("EMAIL") || git_ok({"config", "--get", "user.email"});
    ToolRun commit = git(pr::commit_args(message, has_name, has_email), true);
    if (!commit.ok()) {
      out.error = commit.stopped.empty() ? failure("failed to commit changes", commit) : commit.stopped;
      return out;
    }
  } else {
    // Nothing to commit: <head> (or, when there is no such branch yet, HEAD) must have commits
    // that <base> lacks. <base> is origin/<base> as last fetched — what the pull request is
    // compared with on the server — and the local branch <base> only without one.
    const bool head_exists = git_ok({"rev-parse", "--verify", "--quiet", "refs/heads/" + head});
    const std::string head_rev = head_exists ? "refs/heads/" + head : "HEAD";
    std::string base_rev;
    if (git_ok({"rev-parse", "--verify", "--quiet", "refs/remotes/origin/" + base})) {
      base_rev = "refs/remotes/origin/" + base;
    } else if (git_ok({"rev-parse", "--verify", "--quiet", "refs/heads/" + base})) {
      base_rev = "refs/heads/" + base;
    } else {
      out.error = "nothing to commit and base branch '" + base + "' was not found (neither origin/" + base +
                  " nor " + base + " exists in the checkout)";
      return out;
    }
    ToolRun ahead = git({"rev-list", "--count", base_rev + ".." + head_rev}, false);
    if (!ahead.ok()) {
      out.error = ahead.stopped.empty() ? failure("failed to compare " + head + " with " + base, ahead) : ahead.stopped;
      return out;
    }
    if (ahead.trimmed() == "0") {
      out.error = "nothing to commit and branch '" + head + "' has no commits ahead of '" + base + "'";
      return out;
    }
    // The checkout ends on <head> in every case.
    ToolRun current = git({"symbolic-ref", "--quiet", "--short", "HEAD"}, false);
    if (!current.ok() || current.trimmed() != head) {
      ToolRun co = head_exists ? git({"checkout", head}, true) : git({"checkout", "-B", head}, true);
      if (!co.ok()) {
        out.error = co.stopped.empty() ? failure("failed to check out branch " + head, co) : co.stopped;
        return out;
      }
    }
  }
  ToolRun sha = git({"rev-parse", "HEAD"}, false);
  if (!sha.ok()) {
    out.error = sha.stopped.empty() ? failure("failed to read HEAD", sha) : sha.stopped;
    return out;
  }
  out.outputs["branch"] = head;
  out.outputs["sha"] = sha.trimmed();
  out.outputs["url"] = "";

  if (local) {
    // --local never touches the network (§3.2): the commit stays in the checkout.
    log_line(step.id, "Not pushing branch '" + head + "' (--local)");
    out.ok = true;
    return out;
  }

  ToolRun push = git({"push", "--force-with-lease", "origin", head}, true);
  if (!push.ok()) {
    out.error = push.stopped.empty() ? "failed to push branch " + head + ": " + push.trimmed() : push.stopped;
    return out;
  }

  std::optional<pr::GithubRepo> github = pr::github_repo_from_url(origin);
  std::optional<std::string> gh;
  if (github) {
    if (auto p = proc::env_get(env, "PATH")) gh = proc::search_path("gh", *p);
  }
  if (github && gh) {
    pr::PullRequestRequest req{params->title, params->body, base, head, params->draft};
    std::vector<std::string> gh_env = env;
    proc::env_set(gh_env, "GH_PROMPT_DISABLED", "1");
    ToolRun created = run(*gh, pr::gh_pr_create_args(req), true, &gh_env);
    if (!created.ok()) {
      out.error = created.stopped.empty() ? failure("failed to create pull request", created) : created.stopped;
      return out;
    }
    out.outputs["url"] = std::string(util::trim(created.stdout_text));
  } else if (github) {
    std::string url = pr::compare_url(*github, base, head);
    log_line(step.id, "Create a pull request: " + url);
    out.outputs["url"] = url;
  } else {
    log_line(step.id, "Pushed branch '" + head + "' to " + pr::redact_url(origin));
  }
  out.ok = true;
  return out;
}

}  // namespace tako::engine
