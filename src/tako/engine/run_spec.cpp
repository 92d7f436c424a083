#include "tako/engine/run_spec.h"

#include <sys/stat.h>

#include "tako/engine/expressions.h"
#include "tako/engine/inputs.h"
#include "tako/repo/universe.h"
#include "tako/util/go_format.h"

namespace tako::engine {

nlohmann::json mapping_data(const state::EventRecord& event) {
  nlohmann::json data = {{"event", state::to_json(event)}, {"payload", event.payload}};
  add_template_aliases(data);
  return data;
}

namespace {

// The TAKO_INPUT_* texts of a resumed run (§7.6a): "the given text or the default's text", as in
// its first attempt, although the state records typed values only. A root's given texts are its
// recorded command line. A child's are re-made as its first attempt made them (§10.6): its
// repository's subscription mappings for the workflow, rendered with the recorded event. The
// first such text, or the default's, that reads as the recorded value is taken; when the config
// changed so that none does, the value as printed.
std::map<std::string, std::string> resumed_input_texts(const state::RunNode& node, const config::Config& cfg,
                                                       const config::Workflow& wf) {
  std::map<std::string, std::string> texts;
  std::map<std::string, std::vector<std::string>> candidates;
  if (!node.parent_run_id) {
    for (const auto& [k, v] : node.cli_inputs) candidates[k].push_back(v);
  } else if (node.event) {
    const nlohmann::json data = mapping_data(*node.event);
    for (const config::Subscription& sub : cfg.subscriptions) {
      if (sub.workflow != wf.name) continue;
      for (const auto& [k, t] : sub.inputs) {
        if (auto r = render_template(t, "", data)) candidates[k].push_back(*r);
      }
    }
  }
  for (const config::Input& in : wf.inputs) {
    if (in.default_value) candidates[in.name].push_back(in.default_text);
  }
  for (const auto& [k, v] : node.inputs.items()) {
    texts[k] = input_text(v);
    const config::Input* decl = nullptr;
    for (const auto& in : wf.inputs) {
      if (in.name == k) decl = &in;
    }
    if (decl == nullptr) continue;
    for (const std::string& text : candidates[k]) {
      auto typed = convert_input(*decl, text);
      if (typed && *typed == v) {
        texts[k] = text;
        break;
      }
    }
  }
  return texts;
}

}  // namespace

std::string input_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return util::format_go_float(v.get<double>());
  return v.dump();
}

Result<RunSpec> spec_from_node(const state::RunNode& node) {
  auto cfg = repo::load_repo_config(node.path);
  if (!cfg) return cfg.error();
  const config::Workflow* wf = (*cfg)->find_workflow(node.workflow);
  if (wf == nullptr) return Error{"workflow '" + node.workflow + "' not found"};
  RunSpec spec;
  spec.run_id = node.run_id;
  spec.identity = node.repository;
  spec.path = node.path;
  spec.checkout = node.path;
  struct stat st {};
  if (node.worktree && ::stat(node.worktree->c_str(), &st) == 0) spec.checkout = *node.worktree;
  spec.config = *cfg;
  spec.workflow = wf;
  spec.inputs.values = node.inputs;
  spec.inputs.texts = resumed_input_texts(node, **cfg, *wf);
  spec.event = node.event;
  spec.workspace = node.workspace;
  spec.depth = node.depth;
  return spec;
}

}  // namespace tako::engine
