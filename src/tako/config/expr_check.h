// The two hook points of the load-time expression checks (REFERENCE.md §4.7).
//
// The loader calls check_template() once for every template in a tako.yml
// (`run`, workflow and step env values, string leaves of `with`, output
// templates, produced-event payload values, subscription inputs) and
// check_cel() once for every non-empty CEL expression (`if:`, subscription
// filters). Each returns the problems found as messages without any context
// prefix; the loader adds the wrapping ("invalid workflow 'w': invalid step
// 2: ", "if: ", "filter <k>: ", "input '<n>': ") and the position.
//
// check_template() parses with tako::tmpl::parse and applies the reference
// rules to tmpl::field_references(); check_cel() compiles with tako::cel in
// strict mode against the variables of the context (REFERENCE.md §9.4) and applies
// the same input/step rules to Program::references() for `if:`.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tako/config/config.h"

namespace tako::config {

struct ExprScope {
  std::string_view workflow;                    // "" for subscriptions
  std::span<const std::string> declared_inputs;  // the workflow's input names
  std::span<const std::string> earlier_steps;    // ids of the steps that start earlier in the run
  std::span<const std::string> secrets;          // the workflow's `secrets`
};

struct TemplateSite {
  enum class Kind {
    StepField,          // run, step env, with leaves, outputs, event payloads: data of §7.9
    WorkflowEnv,        // workflow env values: inputs, env, run, event (no steps)
    SubscriptionInput,  // subscription inputs: {event, payload} (§10.6)
  };
  Kind kind = Kind::StepField;
  std::string_view text;
  std::string label;  // template name for parse errors, e.g. "release.build.run"
  Pos pos;
  ExprScope scope;    // empty for SubscriptionInput
};

struct CelSite {
  enum class Kind {
    StepIf,              // variables inputs, steps, env, event, run (§9.4)
    SubscriptionFilter,  // variables event, payload, event_type, source, schema_version, artifact
  };
  Kind kind = Kind::StepIf;
  std::string_view expr;  // never empty
  Pos pos;
  ExprScope scope;        // empty for SubscriptionFilter
};

// Messages such as "template parse error: template: <label>:<line>: <detail>",
// "template references undeclared input '<x>'",
// "template references unknown step '<id>'", "secret '<S>' must not be used in a template".
std::vector<std::string> check_template(const TemplateSite& site);

// Messages such as "CEL compilation error: <detail>" (the caller prefixes "if: " or "filter <k>: ");
// for `if:` also the template reference messages for `inputs.<x>` / `steps.<id>`.
std::vector<std::string> check_cel(const CelSite& site);

}  // namespace tako::config
