// The tako.yml model (REFERENCE.md §4). Plain structs; every node that a later error
// may point at keeps its source position.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/slurm/executor.h"

namespace tako::config {

struct Pos {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based
};

struct Artifact {
  std::string name;
  std::string path, ecosystem, description, command, image, install_command, verify_command;
  Pos pos;
};

struct Dependent {
  std::string repo;  // "owner/repo" or "owner/repo:branch" as written
  std::vector<std::string> artifacts;
  std::vector<std::string> workflows;
  Pos pos;
};

struct PayloadField {
  std::string type;  // string|number|integer|boolean|object|array|any
  bool required = false;
};

struct ProducedEventType {  // events.produces[]
  std::string type;
  std::string schema_version;
  std::string description;
  std::vector<std::pair<std::string, PayloadField>> payload;  // in file order
  Pos pos;
};

struct SubscribedEvent {  // subscription events[]
  std::string type;
  std::optional<std::string> schema_version;  // per-event range
  Pos pos;
};

struct Subscription {
  std::string artifact;         // "owner/repo:name" or "owner/repo:*"
  std::string source_repo;      // "owner/repo" part
  std::string artifact_name;    // name part ("*" allowed)
  std::vector<SubscribedEvent> events;
  std::optional<std::string> schema_version;
  std::vector<std::string> filters;  // `filter` first, then `filters`
  std::vector<Pos> filter_pos;
  std::string workflow;
  Pos workflow_pos;
  std::vector<std::pair<std::string, std::string>> inputs;  // input -> template, file order
  std::vector<Pos> input_pos;  // parallel to `inputs` (position of each value)
  Pos pos;
  int index = 0;         // 0-based index within its list
  bool from_events = false;  // declared under events.subscriptions
};

struct Input {
  std::string name;
  std::string type = "string";  // string|boolean|number
  std::string description;
  bool required = false;
  std::optional<nlohmann::json> default_value;  // typed per `type`
  std::string default_text;                     // the default as written
  std::vector<std::string> enum_values;
  std::optional<double> min, max;
  Pos pos;          // the input's mapping (or its name when the value is empty)
  Pos default_pos;  // the `default` value
};

struct Resources {
  std::string cpu_limit, mem_limit, disk_limit;  // as written; empty = not set
};

struct Volume {
  std::string source, destination;
  bool read_only = false;
};

struct OutputSpec {
  std::string name;
  std::string source;  // from_stdout | from_stderr | from_file:<p> | from_env:<V> | template
  Pos pos;
};

struct StepEvent {  // produces.events[]
  std::string type;
  std::string schema_version;
  std::vector<std::pair<std::string, nlohmann::json>> payload;  // string leaves are templates
  Pos pos;
};

struct Step {  // a workflow step (REFERENCE.md §4.5); a plain scalar step is {run: <scalar>}
  std::string id;         // explicit or generated (step-<k>, <parent>-on-failure-<k>)
  bool id_explicit = false;
  Pos id_pos;             // the `id` value, else the step node
  std::string name;
  std::optional<std::string> if_expr;
  Pos if_pos;
  std::optional<std::string> run;
  Pos run_pos;
  std::optional<std::string> uses;  // "tako/fan-out@v1"
  Pos uses_pos;
  nlohmann::json with = nlohmann::json::object();  // typed (YAML core schema)
  Pos with_pos;
  std::optional<std::string> image;
  Pos image_pos;
  std::vector<std::pair<std::string, std::string>> env;  // KEY -> template or secret name
  std::optional<std::string> timeout;  // Go duration as written
  Pos timeout_pos;
  bool long_running = false;
  std::optional<std::string> network;
  std::vector<std::string> capabilities;
  std::optional<std::string> security_profile;
  std::vector<Volume> volumes;
  Resources resources;
  // `executor: local|slurm` and `slurm:` options (REFERENCE.md §7.14); unset: the workflow's.
  std::optional<std::string> executor;
  Pos executor_pos;
  slurm::Options slurm;
  std::vector<std::string> cache_key_files;
  std::optional<std::string> produces_artifact;
  std::vector<OutputSpec> outputs;  // sorted by name
  std::vector<StepEvent> produces_events;
  std::vector<Step> on_failure;
  Pos pos;
  // Position of the step in its list: index (0-based) and, for on_failure
  // steps, the parent's id ("" for top-level steps).
  int index = 0;
  std::string parent_id;
};

struct Workflow {
  std::string name;
  std::string on, description;
  std::optional<std::string> image;
  Pos image_pos;
  std::vector<std::pair<std::string, std::string>> env;  // KEY -> template, file order
  std::vector<std::string> secrets;
  Resources resources;
  // `executor: local|slurm` and `slurm:` options (REFERENCE.md §7.14); unset: --executor.
  std::optional<std::string> executor;
  Pos executor_pos;
  slurm::Options slurm;
  std::vector<Input> inputs;  // sorted by name
  std::vector<Step> steps;
  Pos pos;
};

struct Config {
  std::string path;  // absolute path of tako.yml
  std::string version;
  std::string metadata_name;
  std::string metadata_description;
  std::vector<Artifact> artifacts;
  std::vector<Dependent> dependents;
  std::vector<ProducedEventType> produces;
  // Top-level `subscriptions` followed by `events.subscriptions` (REFERENCE.md §10.3).
  std::vector<Subscription> subscriptions;
  std::vector<Workflow> workflows;  // file order

  const Workflow* find_workflow(const std::string& name) const;
  const Artifact* find_artifact(const std::string& name) const;
  const ProducedEventType* find_produced_event(const std::string& type) const;
};

}  // namespace tako::config
