// Built-in steps (REFERENCE.md §4.5, §10.1, §13): the `uses` syntax and the `with`
// parameter rules, shared by the loader (load-time checks) and the built-in
// implementations (run-time checks on rendered parameters) so that both use
// the same messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/util/go_duration.h"
#include "tako/util/result.h"

namespace tako::config {

enum class Builtin { Checkout, FanOut, UpdateDependency, CreatePullRequest, Poll };

// Checks `uses` (`<name>@<version>`): on success the built-in, else the message
// (`built-in step '<uses>' must include version (e.g., 'tako/checkout@v1')`,
// `unknown built-in step '<name>'`,
// `built-in step '<name>' version '<v>' is not supported. Supported versions: [v1]`).
Result<Builtin> parse_uses(std::string_view uses);

struct ParamProblem {
  std::string key;      // the parameter concerned ("" when the problem is the whole `with`)
  std::string message;  // exact text, e.g. "event_type is required for fan-out step"
  bool warning = false; // unknown parameters are warnings
};

// Checks `with` (a JSON object; null counts as empty) of built-in `b`; `uses`
// is the text used in messages ("tako/fan-out@v1"). With `load_time`, string
// values containing "{{" are templates whose rendered value is unknown: they
// satisfy "required" but are not type-checked. Problems come in the order of
// the reference tables, unknown-parameter warnings last (sorted by key).
std::vector<ParamProblem> check_builtin_params(Builtin b, const nlohmann::json& with, std::string_view uses,
                                               bool load_time);

// Run-time view of `tako/fan-out@v1` parameters after rendering (REFERENCE.md §10.1).
struct FanOutParams {
  std::string event_type;
  nlohmann::json payload = nlohmann::json::object();
  std::optional<std::string> schema_version;
  std::optional<std::string> artifact;
  bool wait_for_children = false;
  std::optional<std::string> timeout_text;  // as written
  util::Nanos timeout{0};                   // 0 = none
  int64_t concurrency_limit = 0;            // 0 = unlimited
  std::optional<std::string> isolation;     // "shared" | "worktree"; nullopt = --isolation
  bool fail_fast = false;
};
// The first error of check_builtin_params (load_time = false) or the parameters.
Result<FanOutParams> parse_fan_out_params(const nlohmann::json& with);

// Run-time view of `tako/poll@v1` parameters after rendering (REFERENCE.md §13.2).
struct PollParams {
  std::string target;  // "step" | "command"
  std::string step_id;
  std::string command;
  std::string interval_text = "5s";
  util::Nanos interval = std::chrono::seconds(5);
  std::string timeout_text = "30m";
  util::Nanos timeout = std::chrono::minutes(30);
  int64_t success_on_exit_code = 0;
};
Result<PollParams> parse_poll_params(const nlohmann::json& with);

// Run-time view of `tako/create-pull-request@v1` parameters after rendering (REFERENCE.md
// §13.4). Absent, null or empty (after rendering) `base`, `head` and `commit_message` take
// their defaults; `head`'s default needs the run id, so it is left empty here.
struct CreatePullRequestParams {
  std::string title;
  std::string body;
  std::string base = "main";
  std::string head;            // "" = tako/<run-id>
  std::string commit_message;  // "" = title
  bool draft = false;
};
// A rendered `draft` may be the text "true"/"false" (a template renders to a string).
Result<CreatePullRequestParams> parse_create_pull_request_params(const nlohmann::json& with);

// Whether `name` is acceptable to `git check-ref-format --branch` (and `git branch`): no
// control characters, space, `~ ^ : ? * [ \`, `..`, `@{`, `//`; no component starting with
// `.` or ending in `.lock`; not starting with `-` or `/`, not ending in `/` or `.`; not `@` or `HEAD`.
bool is_valid_branch_name(std::string_view name);
// `head and base must be different branches (both are '<branch>')`.
std::string same_branch_message(const std::string& branch);

// Run-time view of `tako/update-dependency@v1` parameters after rendering (REFERENCE.md §13.3).
// Beyond the required name/version and the ecosystem list, the rules shared with the loader
// are: a version made of letters, digits and . - + _ ! only (it is written into the file
// unquoted-safe), a relative `path` without ".." (`path '<p>' escapes the repository`), and
// a `path` whose ecosystem can be told from its name when `ecosystem` is not given.
// update_lock_files accepts the strings "true"/"false" too (a rendered template).
struct UpdateDependencyParams {
  std::string name;
  std::string version;
  std::optional<std::string> ecosystem;  // nullopt (or "") = detect
  std::optional<std::string> path;       // relative to the checkout; nullopt (or "") = the ecosystem's file
  bool update_lock_files = false;
  std::string npm_registry;
};
Result<UpdateDependencyParams> parse_update_dependency_params(const nlohmann::json& with);

}  // namespace tako::config
