// Built-in steps other than fan-out (REFERENCE.md §13): tako/poll@v1, tako/checkout@v1,
// and the events a step produces (§10.2).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>

#include "tako/config/builtin_steps.h"
#include "tako/engine/expressions.h"
#include "tako/engine/run_executor.h"
#include "tako/repo/git.h"
#include "tako/state/ids.h"
#include "tako/util/fs.h"
#include "tako/util/go_duration.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

std::string param_string(const nlohmann::json& with, const char* key, const std::string& fallback = "") {
  if (!with.contains(key) || with[key].is_null()) return fallback;
  const auto& v = with[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  return v.dump();
}

bool param_bool(const nlohmann::json& with, const char* key, bool fallback) {
  if (!with.contains(key) || with[key].is_null()) return fallback;
  const auto& v = with[key];
  if (v.is_boolean()) return v.get<bool>();
  if (v.is_string()) return v.get<std::string>() == "true";
  return fallback;
}

}  // namespace

void RunExecutor::log_line(const std::string& step_id, const std::string& line) {
  if (auto s = util::make_dirs(spec_.workspace + "/logs"); !s) return;
  util::UniqueFd fd(::open((spec_.workspace + "/logs/" + step_id + ".log").c_str(),
                           O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!fd.valid()) return;
  std::string text = tree_.mask(line) + "\n";
  ssize_t n = ::write(fd.get(), text.data(), text.size());
  (void)n;
}

Result<std::vector<state::EventRecord>> RunExecutor::produced_events(
    const config::Step& step, const nlohmann::json& data, const std::map<std::string, std::string>& outputs) {
  std::vector<state::EventRecord> events;
  if (step.produces_events.empty()) return events;
  nlohmann::json d = data;
  nlohmann::json outs = nlohmann::json::object();
  for (const auto& [k, v] : outputs) outs[k] = v;
  d["outputs"] = outs;
  add_template_aliases(d);
  for (const auto& e : step.produces_events) {
    state::EventRecord ev;
    ev.id = state::new_event_id();
    ev.type = e.type;
    ev.source = spec_.identity;
    ev.namespaced_type = spec_.identity + "/" + e.type;
    ev.schema_version = e.schema_version;
    if (ev.schema_version.empty()) {
      for (const auto& p : spec_.config->produces) {
        if (p.type == e.type) ev.schema_version = p.schema_version;
      }
    }
    ev.artifact = step.produces_artifact.value_or("default");
    nlohmann::json payload = nlohmann::json::object();
    for (const auto& [k, v] : e.payload) payload[k] = v;
    auto rendered = render_leaves(payload, label(step, "produces.events"), d);
    if (!rendered) return Error{"failed to execute template: " + rendered.error().message};
    ev.payload = std::move(*rendered);
    ev.timestamp = state::now();
    events.push_back(std::move(ev));
  }
  return events;
}

StepOutcome RunExecutor::run_poll(const config::Step& step, const nlohmann::json& data) {
  StepOutcome out;
  auto with = render_leaves(step.with, label(step, "with"), data);
  if (!with) {
    out.error = "failed to execute template: " + with.error().message;
    return out;
  }
  // Parameters with the same rules (and messages) as the load-time checks.
  auto params = config::parse_poll_params(*with);
  if (!params) {
    out.error = params.error().message;
    return out;
  }
  const std::string& target = params->target;
  const std::string& timeout_text = params->timeout_text;
  const int success_code = int(params->success_on_exit_code);
  const auto interval = params->interval;
  const auto deadline = std::chrono::steady_clock::now() + params->timeout;

  if (target == "step") {
    const std::string& target_id = params->step_id;
    if (target_id.empty()) {
      out.error = "poll target 'step' requires step_id";
      return out;
    }
    LongRunning* lr = nullptr;
    for (auto& l : long_running_) {
      if (l->step_id == target_id) lr = l.get();
    }
    if (lr == nullptr) {
      out.error = "step '" + target_id + "' is not a long_running step";
      return out;
    }
    if (!lr->done) sup_->wait(lr->child, deadline);
    if (!lr->done) {
      sup_->terminate(lr->child);
      sup_->wait(lr->child);
      out.error = "poll timed out after " + timeout_text + " waiting for step '" + target_id + "'";
      return out;
    }
    int code = lr->outcome.exit_code ? int(*lr->outcome.exit_code) : -1;
    out.outputs["exit_code"] = std::to_string(code);
    if (code != success_code) {
      out.error = lr->outcome.error.empty() ? "exit status " + std::to_string(code) : lr->outcome.error;
      return out;
    }
    out.ok = true;
    return out;
  }
  if (target == "command") {
    const std::string& command = params->command;
    if (command.empty()) {
      out.error = "poll target 'command' requires command";
      return out;
    }
    int attempts = 0;
    int last = -1;
    for (;;) {
      if (cancelled_.load() || interrupted_) {
        out.error = "interrupted";
        return out;
      }
      ++attempts;
      proc::ChildSpec cs;
      cs.spawn.argv = proc::sh_command(command);
      cs.spawn.cwd = spec_.checkout;
      cs.spawn.stdout_mode = proc::Stdio::Pipe;
      cs.spawn.stderr_mode = proc::Stdio::Pipe;
      std::string sid = step.id;
      cs.on_line = [this, sid](proc::Stream, std::string_view line, bool) { log_line(sid, std::string(line)); };
      std::optional<int> code;
      cs.on_exit = [&](proc::ExitInfo& info) { code = info.status.exited() ? info.status.exit_code : -1; };
      auto remaining = deadline - std::chrono::steady_clock::now();
      if (remaining > std::chrono::nanoseconds(0)) cs.timeout = remaining;
      auto id = sup_->spawn(std::move(cs));
      if (!id) {
        out.error = id.error().message;
        return out;
      }
      sup_->wait(*id);
      last = code.value_or(-1);
      if (last == success_code) {
        out.ok = true;
        out.outputs["exit_code"] = std::to_string(last);
        out.outputs["attempts"] = std::to_string(attempts);
        return out;
      }
      auto next = std::chrono::steady_clock::now() + interval;
      if (next >= deadline) {
        out.error = "poll timed out after " + timeout_text + ": command last exited with code " + std::to_string(last);
        return out;
      }
      sup_->run_until([this] { return cancelled_.load() || interrupted_; }, next);
    }
  }
  out.error = "poll target must be 'step' or 'command'";
  return out;
}

StepOutcome RunExecutor::run_checkout(const config::Step& step, const nlohmann::json& data) {
  StepOutcome out;
  auto with = render_leaves(step.with, label(step, "with"), data);
  if (!with) {
    out.error = "failed to execute template: " + with.error().message;
    return out;
  }
  const std::string ref = param_string(*with, "ref");
  if (ref.empty()) {
    out.error = "ref is required for tako/checkout@v1";
    return out;
  }
  const std::string& path = spec_.checkout;
  auto git = [&](std::vector<std::string> args) {
    std::vector<std::string> full{"-C", path};
    full.insert(full.end(), args.begin(), args.end());
    repo::GitResult r = repo::run_git(full);
    log_line(step.id, "$ git " + util::join(args, " "));
    if (!r.output.empty()) log_line(step.id, r.trimmed());
    return r;
  };
  bool has_origin = repo::run_git({"-C", path, "remote", "get-url", "origin"}).ok();
  if (has_origin && param_bool(*with, "fetch", true) && !tree_.options().settings.local) {
    auto f = git({"fetch", "--tags", "origin"});
    if (!f.ok()) {
      out.error = "TAKO_E007: failed to update repo " + spec_.identity + ":" + ref + ": " + f.trimmed() +
                  " - exit status " + std::to_string(f.exit_code);
      return out;
    }
  }
  auto co = git({"checkout", "--quiet", ref});
  bool remote_branch = repo::run_git({"-C", path, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/" + ref}).ok();
  if (!co.ok()) {
    if (!remote_branch) {
      out.error = "TAKO_E002: failed to checkout ref " + ref + " in " + path + ": " + co.trimmed() +
                  " - exit status " + std::to_string(co.exit_code);
      return out;
    }
    auto b = git({"checkout", "--quiet", "-B", ref, "origin/" + ref});
    if (!b.ok()) {
      out.error = "TAKO_E002: failed to checkout ref " + ref + " in " + path + ": " + b.trimmed() +
                  " - exit status " + std::to_string(b.exit_code);
      return out;
    }
  } else if (remote_branch &&
             repo::run_git({"-C", path, "rev-parse", "--verify", "--quiet", "refs/heads/" + ref}).ok()) {
    auto ff = git({"merge", "--ff-only", "origin/" + ref});
    if (!ff.ok()) {
      out.error = "git merge --ff-only origin/" + ref + " failed: " + ff.trimmed() + " - exit status " +
                  std::to_string(ff.exit_code);
      return out;
    }
  }
  auto sha = repo::run_git({"-C", path, "rev-parse", "HEAD"});
  out.outputs["ref"] = ref;
  out.outputs["sha"] = sha.trimmed();
  out.ok = true;
  return out;
}

}  // namespace tako::engine
