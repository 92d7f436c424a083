// Turns the YAML tree of a tako.yml into the model (config.h), reporting every
// schema error and warning of REFERENCE.md §4 to a Diagnostics. Internal to tako_config;
// the public entry points are in loader.h.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


#include "tako/config/config.h"
#include "tako/config/diagnostics.h"
#include "tako/config/expr_check.h"
#include "tako/yaml/document.h"

namespace tako::config::detail {

// One key/value pair of a mapping.
struct Entry {
  std::string key;
  yaml::Node value;
  Pos key_pos;
  Pos value_pos;  // the key's position when the value is empty (null)
};

// What the steps of one workflow may refer to while it is being read.
struct WorkflowContext {
  const Workflow* workflow = nullptr;
  std::vector<std::string> input_names;
  std::vector<std::string> secrets;
  std::map<std::string, bool> long_running;  // ids of steps read so far -> long_running
};

class Reader {
 public:
  Reader(Config& config, Diagnostics& diag) : cfg_(config), d_(diag) {}

  // Reads the whole document (root must be a mapping or null).
  void read_document(const yaml::Node& root);

  // --- generic helpers (reader_common.cpp) ---
  // Entries of a mapping; non-scalar keys are errors, keys not in `known` warnings.
  std::vector<Entry> entries(const yaml::Node& map, std::initializer_list<std::string_view> known);
  // Entries of a free-form mapping (no unknown-key warnings).
  std::vector<Entry> free_entries(const yaml::Node& map);
  static const Entry* find(const std::vector<Entry>& entries, std::string_view key);
  // True when the value is a mapping; an empty value is silently "absent";
  // any other kind is the error "<key>: expected a mapping".
  bool mapping(const Entry& e);
  bool sequence(const Entry& e);
  // The scalar text ("" when empty); nullopt after "<key>: expected a scalar".
  std::optional<std::string> scalar(const Entry& e);
  std::optional<bool> boolean(const Entry& e);
  // A sequence of scalars (a single scalar too when `scalar_ok`); element errors "<key>[<i>]: expected a scalar".
  std::vector<std::string> scalar_list(const Entry& e, bool scalar_ok = false, std::vector<Pos>* positions = nullptr);
  // Sequence elements as entries named "<key>[<i>]".
  std::vector<Entry> elements(const Entry& e);
  // Env as a mapping or a list of KEY=VALUE.
  std::vector<std::pair<std::string, std::string>> env(const Entry& e, std::vector<Pos>* positions);
  Resources resources(const Entry& e);
  // `executor` and `slurm` of a workflow or step (reader_executor.cpp).
  void executor_fields(const std::vector<Entry>& es, std::optional<std::string>& executor, Pos& executor_pos,
                       slurm::Options& options);

  // Template / CEL checks with the current error context.
  void check_template(const TemplateSite& site);
  void check_cel(const CelSite& site, const std::string& prefix);

 private:
  // reader_top.cpp
  void read_metadata(const Entry& e);
  void read_artifacts(const Entry& e);
  void read_dependents(const Entry& e);
  void read_produced_events(const Entry& e);
  // reader_subscription.cpp
  void read_subscriptions(const Entry& e, bool from_events);
  Subscription read_subscription(const Entry& e, int index, bool from_events);
  void check_subscription_workflow(const Subscription& s, const yaml::Node& inputs_node, Pos inputs_pos);
  // reader_workflow.cpp
  void read_workflows(const Entry& e);
  Workflow read_workflow(const Entry& e);
  std::vector<Input> read_inputs(const Entry& e);
  Input read_input(const Entry& e);
  void check_duplicate_ids(const std::vector<Step>& steps, std::map<std::string, bool>& seen);
  // reader_step.cpp
  std::vector<Step> read_steps(const Entry& e, WorkflowContext& wc, const std::string& parent_id,
                               const std::vector<std::string>& earlier);
  Step read_step(const Entry& e, int index, const std::string& default_id, WorkflowContext& wc,
                 const std::vector<std::string>& earlier);
  void read_produces(const Entry& e, Step& step, WorkflowContext& wc, const std::vector<std::string>& earlier);
  void read_volumes(const Entry& e, Step& step);
  // Fills `with_pos` with "<key>" -> value position and "key:<key>" -> key position.
  void read_with(const Entry& e, Step& step, WorkflowContext& wc, const std::vector<std::string>& earlier,
                 std::map<std::string, Pos>& with_pos);
  void check_builtin(Step& step, const std::map<std::string, Pos>& with_pos, WorkflowContext& wc,
                     const std::vector<std::string>& earlier);
  void check_template_leaves(const yaml::Node& node, const std::string& label, Pos fallback,
                             const WorkflowContext& wc, const std::vector<std::string>& earlier);
  ExprScope step_scope(const WorkflowContext& wc, const std::vector<std::string>& earlier) const;

  Config& cfg_;
  Diagnostics& d_;
};

}  // namespace tako::config::detail
