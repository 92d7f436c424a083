#include "tako/cli/config_schema.h"

#include <vector>

#include "tako/slurm/executor.h"

namespace tako::cli {

namespace {

using J = nlohmann::ordered_json;

// Name patterns of REFERENCE.md §4.1 (name_rules.cpp).
constexpr const char* kName = "^[A-Za-z][A-Za-z0-9_-]*$";
constexpr const char* kId = "^[A-Za-z_][A-Za-z0-9_-]*$";
constexpr const char* kEnv = "^[A-Za-z_][A-Za-z0-9_]*$";
constexpr const char* kEvent = "^[a-z][a-z0-9_]*$";
constexpr const char* kSemver = "^[0-9]+\\.[0-9]+\\.[0-9]+$";
constexpr const char* kRepoSpec = "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:.+)?$";
constexpr const char* kMetadataName = "^([A-Za-z0-9_.-]+/)?[A-Za-z0-9_.-]+$";
constexpr const char* kArtifactRef = "^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+:([A-Za-z][A-Za-z0-9_-]*|\\*)$";
// A Go duration (§15.2).
constexpr const char* kDuration = "^([-+]?(([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+|0)$";
// A string holding a template: its rendered value is only known at run time.
constexpr const char* kTemplated = "\\{\\{";

J described(J schema, const std::string& text) {
  schema["description"] = text;
  return schema;
}

// Scalars are read as strings (`version: 1` is "1"); an empty value counts as absent.
J scalar(const std::string& text) { return described({{"type", {"string", "number", "boolean", "null"}}}, text); }
J str(const std::string& text) { return described({{"type", {"string", "null"}}}, text); }
J pattern(const char* re, const std::string& text) {
  return described({{"type", {"string", "null"}}, {"pattern", re}}, text);
}
J boolean(const std::string& text) { return described({{"type", {"boolean", "null"}}}, text); }
J enumeration(std::vector<std::string> values, const std::string& text) {
  J e = J::array();
  for (auto& v : values) e.push_back(v);
  e.push_back(nullptr);
  return described({{"enum", e}}, text);
}
J scalar_list(const std::string& text) {
  return described({{"type", {"array", "null"}}, {"items", {{"type", {"string", "number", "boolean"}}}}}, text);
}
J pattern_list(const char* re, const std::string& text) {
  return described({{"type", {"array", "null"}}, {"items", {{"type", "string"}, {"pattern", re}}}}, text);
}
J object(J properties, const std::string& text, std::vector<std::string> required = {}, bool nullable = true) {
  J o = {{"type", nullable ? J{"object", "null"} : J("object")}};
  o["description"] = text;
  o["properties"] = std::move(properties);
  o["additionalProperties"] = false;
  if (!required.empty()) o["required"] = required;
  return o;
}
J map_of(const char* key_pattern, J values, const std::string& text) {
  J o = {{"type", {"object", "null"}}, {"description", text}};
  if (key_pattern != nullptr) o["propertyNames"] = {{"pattern", key_pattern}};
  o["additionalProperties"] = std::move(values);
  return o;
}
J ref(const std::string& def) { return {{"$ref", "#/$defs/" + def}}; }

// `with` values: a string holding "{{" is a template whose value is checked when the step runs.
J templated_or(J schema) {
  return {{"anyOf", {std::move(schema), {{"type", "string"}, {"pattern", kTemplated}}, {{"type", "null"}}}}};
}
J w_scalar(const std::string& text) {
  return described({{"type", {"string", "number", "boolean", "null"}}}, text);
}
J w_required_scalar(const std::string& text) {
  return described({{"anyOf", {{{"type", "string"}, {"minLength", 1}}, {{"type", {"number", "boolean"}}}}}}, text);
}
J w_bool(const std::string& text) { return described(templated_or({{"type", "boolean"}}), text); }
J w_duration(const std::string& text) {
  return described(templated_or({{"type", "string"}, {"pattern", kDuration}}), text);
}
J w_integer(bool non_negative, const std::string& text) {
  J n = {{"type", "integer"}};
  if (non_negative) n["minimum"] = 0;
  return described({{"anyOf", {n, {{"type", "string"}, {"pattern", non_negative ? "^\\+?[0-9]+$" : "^[-+]?[0-9]+$"}},
                                {{"type", "string"}, {"pattern", kTemplated}}, {{"type", "null"}}}}},
                   text);
}
J w_enum(std::vector<std::string> values, const std::string& text) {
  J e = J::array();
  for (auto& v : values) e.push_back(v);
  return described(templated_or({{"enum", e}}), text);
}

struct Builtin {
  std::string uses;
  J params;  // name -> schema, in the reference's order
  std::vector<std::string> required;
};

std::vector<Builtin> builtins() {
  std::vector<Builtin> b;
  b.push_back({"tako/checkout@v1",
               {{"ref", w_required_scalar("git ref to check out (branch, tag or commit)")},
                {"fetch", w_bool("fetch tags from origin first (default true)")}},
               {"ref"}});
  b.push_back(
      {"tako/fan-out@v1",
       {{"event_type", described({{"anyOf", {{{"type", "string"}, {"pattern", kEvent}},
                                             {{"type", "string"}, {"pattern", kTemplated}}}}},
                                 "event type to emit (snake_case)")},
        {"payload", described(templated_or({{"type", "object"}}), "event payload; string leaves are templates")},
        {"schema_version", described(templated_or({{"type", "string"}, {"pattern", kSemver}}),
                                     "schema version of the event (x.y.z)")},
        {"artifact", described({{"type", {"string", "null"}}}, "artifact name of the event")},
        {"wait_for_children", w_bool("wait for the triggered child runs (default false)")},
        {"timeout", w_duration("limit for the fan-out (Go duration > 0; default none)")},
        {"concurrency_limit", w_integer(true, "child runs of this step at once (default 0 = unlimited)")},
        {"isolation", w_enum({"shared", "worktree"}, "isolation of the child runs (default --isolation)")},
        {"fail_fast", w_bool("stop at the first failed child (default false)")}},
       {"event_type"}});
  b.push_back({"tako/update-dependency@v1",
               {{"name", w_required_scalar("dependency to update")},
                // A YAML float is refused (1.10 would be read as 1.1): a string or an integer.
                {"version", described({{"anyOf", {{{"type", "string"}, {"minLength", 1}}, {{"type", "integer"}}}}},
                                      "version to set (quote it: YAML reads 1.10 as the number 1.1)")},
                {"ecosystem", w_enum({"go", "npm", "maven", "cargo", "pip"},
                                     "ecosystem (default: detected from the files present)")},
                {"path", w_scalar("dependency file to edit")},
                {"update_lock_files", w_bool("update lock files too (default false)")},
                {"npm_registry", w_scalar("npm registry for the lock file update")}},
               {"name", "version"}});
  b.push_back({"tako/create-pull-request@v1",
               {{"title", w_required_scalar("pull request title")},
                {"body", w_scalar("pull request body (default empty)")},
                {"base", w_scalar("base branch (default main)")},
                {"head", w_scalar("head branch (default tako/<run-id>)")},
                {"commit_message", w_scalar("commit message (default: the title)")},
                {"draft", w_bool("open as a draft (default false)")}},
               {"title"}});
  b.push_back({"tako/poll@v1",
               {{"target", w_enum({"step", "command"}, "what to poll")},
                {"step_id", w_scalar("with target step: the long_running step to wait for")},
                {"command", w_scalar("with target command: the command to run until it succeeds")},
                {"interval", w_duration("time between attempts (default 5s)")},
                {"timeout", w_duration("limit (default 30m)")},
                {"success_on_exit_code", w_integer(false, "exit code that means success (default 0)")}},
               {"target"}});
  return b;
}

// A number, or a string holding one (§7.1's number syntax).
J number_text() {
  return J::parse(R"({"anyOf": [{"type": "number"}, {"type": "null"},
    {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?$"}]})");
}

J resources() {
  return object({{"cpu_limit", scalar("CPUs: a decimal (1.5) or millicores (500m)")},
                 {"mem_limit", scalar("memory: number with optional B, KB, MB, GB, Ki, Mi, Gi, KiB, MiB, GiB")},
                 {"disk_limit", scalar("disk: same syntax as mem_limit (validated only)")}},
                "container resource limits");
}

// `executor:` and `slurm:` of a workflow or step (REFERENCE.md §7.14); the allow-list of
// extra sbatch arguments is tako/slurm's, the one the loader checks.
J executor() { return enumeration({"local", "slurm"}, "where run steps execute: local or slurm (default --executor)"); }
J slurm_options() {
  std::string allowed;
  for (auto a : slurm::kAllowedArgs) allowed += (allowed.empty() ? "" : "|") + std::string(a);
  const std::string arg = "^(" + allowed + ")(=.*)?$";
  return object({{"partition", pattern("^[^\\s]+$", "Slurm partition (--partition)")},
                 {"account", pattern("^[^\\s]+$", "Slurm account (--account)")},
                 {"qos", pattern("^[^\\s]+$", "quality of service (--qos)")},
                 {"constraint", pattern("^[^\\s]+$", "node features (--constraint)")},
                 {"extra_args", described({{"type", {"array", "null"}}, {"items", {{"type", "string"}, {"pattern", arg}}}},
                                          "more sbatch arguments, from an allow-list")}},
                "Slurm placement of the job (executor slurm)");
}

J env() {
  return described({{"oneOf", {map_of(kEnv, scalar("value (a template)"), "variables: NAME -> value"),
                               {{"type", "array"}, {"items", {{"type", "string"}, {"pattern", "^[A-Za-z_][A-Za-z0-9_]*="}}}},
                               {{"type", "null"}}}}},
                   "environment variables: a mapping, or a list of KEY=VALUE strings");
}

J input() {
  J validation = object({{"enum", scalar_list("allowed values (string inputs only)")},
                         {"min", described(number_text(), "minimum (number inputs only)")},
                         {"max", described(number_text(), "maximum (number inputs only)")}},
                        "value checks");
  J in = object({{"type", enumeration({"string", "boolean", "number"}, "input type (default string)")},
                 {"description", scalar("shown in help and `tako list`")},
                 {"required", boolean("the input must be given (its default is then never used)")},
                 {"default", described({{"type", {"string", "number", "boolean", "null"}}},
                                       "default value, valid for the type")},
                 {"validation", validation}},
                "a workflow input");
  // enum only for strings, min/max only for numbers (§4.4); the default's text is checked by validate.
  in["allOf"] = J::parse(R"([
    {"if": {"properties": {"type": {"enum": ["boolean", "number"]}}, "required": ["type"]},
     "then": {"properties": {"validation": {"not": {"required": ["enum"]}}}}},
    {"if": {"not": {"properties": {"type": {"const": "number"}}, "required": ["type"]}},
     "then": {"properties": {"validation": {"not": {"anyOf": [{"required": ["min"]}, {"required": ["max"]}]}}}}}
  ])");
  return in;
}

J step() {
  J volume = object({{"source", pattern("^/", "absolute host path (no ..)")},
                     {"destination", pattern("^/", "absolute container path (no ..)")},
                     {"read_only", boolean("mount read-only")}},
                    "a volume mount", {"source", "destination"}, false);
  J produced_event = object({{"type", pattern(kEvent, "event type (snake_case)")},
                             {"schema_version", pattern(kSemver, "schema version (x.y.z)")},
                             {"payload", described({{"type", {"object", "null"}}}, "payload; string leaves are templates")}},
                            "an event this step produces", {"type"}, false);
  J outputs = map_of(kId,
                     described({{"type", "string"},
                                {"pattern", "^(from_stdout|from_stderr|from_file:(?!/)(?!(.*/)?\\.\\.(/|$)).+|from_env:[A-Za-z_][A-Za-z0-9_]*)$|\\{\\{"}},
                               "from_stdout, from_stderr, from_file:<relative path>, from_env:<VAR> or a template"),
                     "named outputs of the step");
  outputs["propertyNames"] = {{"pattern", kId}, {"not", {{"const", "outputs"}}}};
  J produces = object({{"artifact", str("an artifact declared under artifacts")},
                       {"outputs", outputs},
                       {"events", described({{"type", {"array", "null"}}, {"items", produced_event}}, "events")}},
                      "what the step produces");
  std::vector<std::string> uses_values;
  for (const auto& b : builtins()) uses_values.push_back(b.uses);
  J uses_enum = J::array();
  for (auto& u : uses_values) uses_enum.push_back(u);

  J props = {
      {"id", pattern(kId, "step id (default step-<k>); unique in the workflow")},
      {"name", scalar("display name")},
      {"if", scalar("CEL condition; the step runs only when it is true")},
      {"run", scalar("shell command (a template); exactly one of run / uses")},
      {"uses", described({{"enum", uses_enum}}, "built-in step; exactly one of run / uses")},
      {"with", described({{"type", {"object", "null"}}}, "parameters of the built-in step")},
      {"image", str("container image to run the step in (run steps only)")},
      {"env", env()},
      {"timeout", pattern(kDuration, "time limit (Go duration > 0; default none)")},
      {"long_running", boolean("keep running in the background (run steps only)")},
      {"network", str("container network: none, host, bridge, default or a network name")},
      {"capabilities", scalar_list("Linux capabilities to add in the container")},
      {"security_profile", enumeration({"strict", "moderate", "minimal"}, "container security profile (default strict)")},
      {"volumes", described({{"type", {"array", "null"}}, {"items", volume}}, "extra container mounts")},
      {"resources", resources()},
      {"executor", executor()},
      {"slurm", slurm_options()},
      {"cache_key_files", described({{"anyOf", {{{"type", "string"}}, {{"type", "array"}, {"items", {{"type", "string"}}}},
                                                {{"type", "null"}}}}},
                                    "glob(s) whose content keys the step-result cache")},
      {"produces", produces},
      {"on_failure", described({{"type", {"array", "null"}}, {"items", ref("step")}}, "steps run when this step fails")},
  };
  J obj = object(props, "a step", {}, false);
  J all = J::array();
  // Exactly one of run / uses; image and long_running only with run.
  all.push_back({{"oneOf", {{{"required", {"run"}}}, {{"required", {"uses"}}}}}});
  all.push_back({{"not", {{"required", {"image", "uses"}}}}});
  all.push_back({{"not", {{"required", {"executor", "uses"}}}}});
  all.push_back({{"not", {{"required", {"slurm", "uses"}}}}});
  for (const auto& b : builtins()) {
    J with = {{"type", b.required.empty() ? J{"object", "null"} : J("object")},
              {"properties", b.params},
              {"additionalProperties", false}};
    if (!b.required.empty()) with["required"] = b.required;
    J then = {{"properties", {{"with", with}}}};
    if (!b.required.empty()) then["required"] = {"with"};
    all.push_back({{"if", {{"properties", {{"uses", {{"const", b.uses}}}}}, {"required", {"uses"}}}}, {"then", then}});
  }
  obj["allOf"] = all;
  return described({{"oneOf", {{{"type", "string"}, {"minLength", 1}}, obj}}},
                   "a step: a mapping, or a string meaning {run: <string>}");
}

J subscription() {
  J event = described({{"oneOf", {{{"type", "string"}, {"pattern", kEvent}},
                                  object({{"type", pattern(kEvent, "event type (snake_case)")},
                                          {"schema_version", scalar("accepted schema versions: ^1.0.0, ~1.0.0, 1.0.0, "
                                                                    ">=1.0.0 <2.0.0, [1.0.0...2.0.0)")}},
                                         "event type with its own version range", {"type"}, false)}}},
                      "an event type, or {type, schema_version}");
  return object({{"artifact", pattern(kArtifactRef, "owner/repo:<artifact name or *>")},
                 {"events", described({{"type", "array"}, {"minItems", 1}, {"items", event}}, "event types to react to")},
                 {"schema_version", scalar("default version range of the events")},
                 {"filters", scalar_list("CEL conditions on the event (all must hold)")},
                 {"filter", scalar("one CEL condition, evaluated before filters")},
                 {"workflow", pattern(kName, "workflow of this file to run")},
                 {"inputs", map_of(kId, scalar("value (a template over the event)"), "workflow inputs")}},
                "run a workflow of this repository when another one emits an event",
                {"artifact", "events", "workflow"}, false);
}

J workflow() {
  return object({{"on", scalar("informational (e.g. exec)")},
                 {"description", scalar("shown by `tako list`")},
                 {"image", str("default container image of the run steps")},
                 {"env", env()},
                 {"secrets", pattern_list(kEnv, "environment variables passed as secrets (masked)")},
                 {"resources", resources()},
                 {"executor", executor()},
                 {"slurm", slurm_options()},
                 {"inputs", map_of(kId, ref("input"), "workflow inputs")},
                 {"steps", described({{"type", "array"}, {"minItems", 1}, {"items", ref("step")}}, "the steps, in order")}},
                "a workflow", {"steps"}, false);
}

}  // namespace

std::vector<BuiltinParams> schema_builtins() {
  std::vector<BuiltinParams> out;
  for (const auto& b : builtins()) {
    BuiltinParams p{b.uses, {}, b.required};
    for (const auto& [k, v] : b.params.items()) p.params.push_back(k);
    out.push_back(std::move(p));
  }
  return out;
}

nlohmann::ordered_json config_schema() {
  J artifact = object({{"path", scalar("path in the repository")},
                       {"ecosystem", scalar("go, npm, maven, cargo, pip, ...")},
                       {"description", scalar("description")},
                       {"command", scalar("build command")},
                       {"image", scalar("image")},
                       {"install_command", scalar("install command")},
                       {"verify_command", scalar("verify command")}},
                      "an artifact (informational)");
  J dependent = object({{"repo", pattern(kRepoSpec, "owner/repo or owner/repo:branch")},
                        {"artifacts", scalar_list("artifacts it uses (informational)")},
                        {"workflows", scalar_list("workflows it runs (informational)")}},
                       "a downstream repository", {"repo"}, false);
  J payload_type = enumeration({"string", "number", "integer", "boolean", "object", "array", "any"}, "payload field type");
  J produced = object(
      {{"type", pattern(kEvent, "event type (snake_case)")},
       {"schema_version", pattern(kSemver, "default schema version (x.y.z)")},
       {"description", scalar("description")},
       {"payload", map_of(nullptr,
                          {{"oneOf", {payload_type, object({{"type", payload_type}, {"required", boolean("required field")}},
                                                           "field type and whether it is required", {}, false)}}},
                          "payload schema: field -> type")}},
      "an event type this repository emits", {"type"}, false);

  J s;
  s["$schema"] = "https://json-schema.org/draft/2020-12/schema";
  s["$id"] = "https://tako.invalid/schema/tako.yml.json";
  s["title"] = "tako.yml";
  s["description"] = "Configuration of a repository for tako (generated by `tako schema`).";
  s["type"] = "object";
  s["properties"] = {
      {"version", described({{"anyOf", {{{"type", "string"}, {"minLength", 1}}, {{"type", {"number", "boolean"}}}}}},
                            "configuration version (required)")},
      {"metadata", object({{"name", pattern(kMetadataName, "identity: owner/repo (or repo)")},
                           {"description", scalar("description")}},
                          "about this repository")},
      {"artifacts", map_of(kName, artifact, "artifacts: name -> artifact")},
      {"dependents", described({{"type", {"array", "null"}}, {"items", dependent}}, "downstream repositories (graph edges)")},
      {"events", object({{"produces", described({{"type", {"array", "null"}}, {"items", produced}}, "event types emitted")},
                         {"subscriptions", ref("subscriptions")}},
                        "events produced and subscriptions")},
      {"subscriptions", ref("subscriptions")},
      {"workflows", map_of(kName, ref("workflow"), "workflows: name -> workflow")},
  };
  s["required"] = {"version"};
  s["additionalProperties"] = false;
  s["$defs"] = {
      {"workflow", workflow()},
      {"input", input()},
      {"step", step()},
      {"subscriptions", described({{"type", {"array", "null"}}, {"items", ref("subscription")}}, "subscriptions")},
      {"subscription", subscription()},
  };
  return s;
}

}  // namespace tako::cli
