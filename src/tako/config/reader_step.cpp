// Steps (REFERENCE.md §4.5), their built-in parameters (§10.1, §13), container fields
// (§12.2, §12.3) and the step-level cross-checks of §4.7.
#include <algorithm>

#include "tako/config/builtin_steps.h"
#include "tako/config/container_rules.h"
#include "tako/config/name_rules.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"
#include "tako/util/go_duration.h"

namespace tako::config::detail {
namespace {

bool has_template(const std::string& s) { return s.find("{{") != std::string::npos; }

// from_file:<relative path without ..>
bool relative_clean_path(std::string_view p) {
  if (p.empty() || p[0] == '/') return false;
  size_t start = 0;
  while (start <= p.size()) {
    size_t end = p.find('/', start);
    if (end == std::string_view::npos) end = p.size();
    if (p.substr(start, end - start) == "..") return false;
    start = end + 1;
  }
  return true;
}

bool valid_output_source(const std::string& v) {
  if (v == "from_stdout" || v == "from_stderr" || has_template(v)) return true;
  if (v.rfind("from_file:", 0) == 0) return relative_clean_path(std::string_view(v).substr(10));
  if (v.rfind("from_env:", 0) == 0) return is_env_name(std::string_view(v).substr(9));
  return false;
}

}  // namespace

ExprScope Reader::step_scope(const WorkflowContext& wc, const std::vector<std::string>& earlier) const {
  return ExprScope{wc.workflow->name, wc.input_names, earlier, wc.secrets};
}

std::vector<Step> Reader::read_steps(const Entry& e, WorkflowContext& wc, const std::string& parent_id,
                                     const std::vector<std::string>& earlier_in) {
  std::vector<Step> out;
  std::vector<std::string> earlier = earlier_in;
  int i = 0;
  for (const auto& el : elements(e)) {
    const int index = i++;
    std::string default_id = parent_id.empty() ? "step-" + std::to_string(index + 1)
                                               : parent_id + "-on-failure-" + std::to_string(index + 1);
    auto scope = d_.scope(parent_id.empty() ? "invalid step " + std::to_string(index) + ": "
                                            : "invalid failure step " + std::to_string(index) + ": ");
    Step s = read_step(el, index, default_id, wc, earlier);
    s.parent_id = parent_id;
    wc.long_running[s.id] = s.long_running;
    earlier.push_back(s.id);
    out.push_back(std::move(s));
  }
  return out;
}

Step Reader::read_step(const Entry& e, int index, const std::string& default_id, WorkflowContext& wc,
                       const std::vector<std::string>& earlier) {
  Step s;
  s.index = index;
  s.pos = e.value_pos;
  s.id = default_id;
  s.id_pos = s.pos;
  if (e.value.is_scalar()) {
    if (!e.value.scalar().empty()) s.run = e.value.scalar();
    s.run_pos = s.pos;
  } else if (!e.value.is_mapping()) {
    d_.error(s.pos, "step must be either a string or an object");
    return s;
  }
  std::vector<Entry> es;
  if (e.value.is_mapping()) {
    es = entries(e.value, {"id", "name", "if", "run", "uses", "with", "image", "env", "timeout", "long_running",
                           "network", "capabilities", "security_profile", "volumes", "resources",
                           "cache_key_files", "produces", "on_failure", "executor", "slurm"});
  }
  if (const Entry* f = find(es, "id")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.id = *v;
      s.id_explicit = true;
      s.id_pos = f->value_pos;
      if (!is_id(*v)) d_.error(f->value_pos, "invalid step id '" + *v + "': " + id_rule_text());
    }
  }
  if (const Entry* f = find(es, "name")) s.name = scalar(*f).value_or("");
  if (const Entry* f = find(es, "run")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.run = *v;
      s.run_pos = f->value_pos;
    }
  }
  if (const Entry* f = find(es, "uses")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.uses = *v;
      s.uses_pos = f->value_pos;
    }
  }
  if (const Entry* f = find(es, "image")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.image = *v;
      s.image_pos = f->value_pos;
      if (auto err = check_image_name(*v)) d_.error(f->value_pos, *err);
    }
  }
  // Exactly one of run / uses; image only with run. A run/uses of the wrong kind already has its
  // "expected a scalar" error; "must specify either" would wrongly say it is missing.
  auto wrong_kind = [&](const char* key) {
    const Entry* f = find(es, key);
    return f != nullptr && !f->value.is_scalar() && !f->value.is_null();
  };
  if (!s.run && !s.uses && !wrong_kind("run") && !wrong_kind("uses")) {
    d_.error(s.pos, "step must specify either 'run' or 'uses'");
  } else if (s.run && s.uses && e.value.is_mapping()) {
    d_.error(s.pos, "step cannot specify both 'run' and 'uses'");
  }
  if (s.image && s.uses) d_.error(s.image_pos, "step cannot specify both 'image' and 'uses'");

  if (s.run) {
    TemplateSite site;
    site.text = *s.run;
    site.label = wc.workflow->name + "." + s.id + ".run";
    site.pos = s.run_pos;
    site.scope = step_scope(wc, earlier);
    check_template(site);
  }
  if (const Entry* f = find(es, "if")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.if_expr = *v;
      s.if_pos = f->value_pos;
      CelSite site;
      site.kind = CelSite::Kind::StepIf;
      site.expr = *s.if_expr;
      site.pos = s.if_pos;
      site.scope = step_scope(wc, earlier);
      check_cel(site, "if: ");
    }
  }
  std::map<std::string, Pos> with_pos;
  if (const Entry* f = find(es, "with")) {
    read_with(*f, s, wc, earlier, with_pos);
    // Parameters go to built-in steps only; on a run step they would be dropped without a word.
    if (s.run && !s.uses) d_.warning(f->key_pos, "'with' has no effect on a 'run' step (it is for 'uses' steps)");
  }
  if (const Entry* f = find(es, "env")) {
    std::vector<Pos> pos;
    s.env = env(*f, &pos);
    for (size_t i = 0; i < s.env.size(); ++i) {
      const auto& [key, value] = s.env[i];
      if (std::find(wc.secrets.begin(), wc.secrets.end(), value) != wc.secrets.end()) continue;  // a secret name
      TemplateSite site;
      site.text = value;
      site.label = wc.workflow->name + "." + s.id + ".env." + key;
      site.pos = pos[i];
      site.scope = step_scope(wc, earlier);
      check_template(site);
    }
  }
  if (const Entry* f = find(es, "timeout")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.timeout = *v;
      s.timeout_pos = f->value_pos;
      auto d = util::parse_go_duration(*v);
      if (!d) {
        d_.error(f->value_pos, "invalid timeout: " + d.error().message);
      } else if (d->count() <= 0) {
        d_.error(f->value_pos, "invalid timeout: timeout must be positive");
      }
    }
  }
  if (const Entry* f = find(es, "long_running")) {
    s.long_running = boolean(*f).value_or(false);
    if (s.long_running && !s.run) d_.error(f->value_pos, "long_running is only supported for 'run' steps");
  }
  if (const Entry* f = find(es, "network")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.network = *v;
      if (auto err = check_network(*v)) d_.error(f->value_pos, *err);
    }
  }
  if (const Entry* f = find(es, "capabilities")) {
    std::vector<Pos> pos;
    s.capabilities = scalar_list(*f, false, &pos);
    for (size_t i = 0; i < s.capabilities.size(); ++i) {
      if (auto err = check_capability(s.capabilities[i])) d_.error(pos[i], *err);
    }
  }
  if (const Entry* f = find(es, "security_profile")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.security_profile = *v;
      if (auto err = check_security_profile(*v)) d_.error(f->value_pos, *err);
    }
  }
  if (const Entry* f = find(es, "volumes")) read_volumes(*f, s);
  if (const Entry* f = find(es, "resources")) s.resources = resources(*f);
  executor_fields(es, s.executor, s.executor_pos, s.slurm);
  if (s.uses) {
    for (const char* key : {"executor", "slurm"}) {
      if (const Entry* f = find(es, key)) d_.error(f->key_pos, std::string(key) + " is only supported for 'run' steps");
    }
  }
  // Container steps stay local (docs/SCALE-OUT.md): a tako.yml cannot ask for both.
  // (A workflow with both has its one error at the workflow's executor.)
  const std::string slurm_name(slurm::kSlurm);
  if (s.run && s.executor == slurm_name && (s.image || wc.workflow->image)) {
    d_.error(s.executor_pos, "container steps cannot use executor 'slurm' yet");
  } else if (s.run && s.image && !s.executor && wc.workflow->executor == slurm_name && !wc.workflow->image) {
    d_.error(s.image_pos, "container steps cannot use executor 'slurm' yet");
  }
  if (const Entry* f = find(es, "cache_key_files")) s.cache_key_files = scalar_list(*f, true);
  if (const Entry* f = find(es, "produces")) read_produces(*f, s, wc, earlier);
  if (s.uses) check_builtin(s, with_pos, wc, earlier);
  if (const Entry* f = find(es, "on_failure")) {
    // on_failure steps start after this step and the steps before it.
    std::vector<std::string> before = earlier;
    before.push_back(s.id);
    s.on_failure = read_steps(*f, wc, s.id, before);
  }
  return s;
}

void Reader::read_with(const Entry& e, Step& step, WorkflowContext& wc, const std::vector<std::string>& earlier,
                       std::map<std::string, Pos>& with_pos) {
  step.with_pos = e.value_pos;
  if (!mapping(e)) return;
  for (const auto& kv : free_entries(e.value)) {
    with_pos[kv.key] = kv.value_pos;
    with_pos["key:" + kv.key] = kv.key_pos;
  }
  step.with = to_json(e.value);
  check_template_leaves(e.value, wc.workflow->name + "." + step.id + ".with", e.value_pos, wc, earlier);
}

void Reader::check_template_leaves(const yaml::Node& node, const std::string& label, Pos fallback,
                                   const WorkflowContext& wc, const std::vector<std::string>& earlier) {
  if (node.is_scalar()) {
    nlohmann::json v = scalar_value(node);
    if (!v.is_string()) return;
    TemplateSite site;
    site.text = node.scalar();
    site.label = label;
    site.pos = pos_of(node).line ? pos_of(node) : fallback;
    site.scope = step_scope(wc, earlier);
    check_template(site);
  } else if (node.is_sequence()) {
    int i = 0;
    for (const auto& item : node.items()) check_template_leaves(item, label + "." + std::to_string(i++), fallback, wc, earlier);
  } else if (node.is_mapping()) {
    for (const auto& kv : node.pairs()) {
      if (kv.first.is_scalar()) check_template_leaves(kv.second, label + "." + kv.first.scalar(), pos_of(kv.first), wc, earlier);
    }
  }
}

void Reader::check_builtin(Step& s, const std::map<std::string, Pos>& with_pos, WorkflowContext& wc,
                           const std::vector<std::string>& earlier) {
  auto builtin = parse_uses(*s.uses);
  if (!builtin) {
    d_.error(s.uses_pos, builtin.error().message);
    return;
  }
  auto pos_for = [&](const std::string& key) {
    auto it = with_pos.find(key);
    if (it != with_pos.end()) return it->second;
    return s.with_pos.line ? s.with_pos : s.pos;
  };
  for (const auto& p : check_builtin_params(*builtin, s.with, *s.uses, /*load_time=*/true)) {
    if (p.warning) {
      // unknown parameters: at the key itself
      d_.warning(pos_for("key:" + p.key), p.message);
    } else {
      d_.error(pos_for(p.key), p.message);
    }
  }
  // Cross-checks (§4.7).
  if (*builtin == Builtin::FanOut && !cfg_.produces.empty()) {
    auto it = s.with.find("event_type");
    if (it != s.with.end() && it->is_string()) {
      const std::string t = it->get<std::string>();
      if (!t.empty() && !has_template(t) && is_event_type(t) && cfg_.find_produced_event(t) == nullptr) {
        d_.error(pos_for("event_type"), "fan-out event_type '" + t + "' is not declared under events.produces");
      }
    }
  }
  if (*builtin == Builtin::Poll) {
    auto target = s.with.find("target");
    auto step_id = s.with.find("step_id");
    if (target != s.with.end() && *target == "step" && step_id != s.with.end() && step_id->is_string()) {
      const std::string id = step_id->get<std::string>();
      bool earlier_step = std::find(earlier.begin(), earlier.end(), id) != earlier.end();
      auto lr = wc.long_running.find(id);
      if (!id.empty() && !has_template(id) && (!earlier_step || lr == wc.long_running.end() || !lr->second)) {
        d_.error(pos_for("step_id"), "step '" + id + "' is not a long_running step");
      }
    }
  }
}

void Reader::read_volumes(const Entry& e, Step& step) {
  for (const auto& el : elements(e)) {
    if (!el.value.is_mapping()) {
      d_.error(el.value_pos, el.key + ": expected a mapping");
      continue;
    }
    Volume vol;
    auto fs = entries(el.value, {"source", "destination", "read_only"});
    for (const char* which : {"source", "destination"}) {
      const Entry* f = find(fs, which);
      std::string value;
      Pos pos = el.value_pos;
      if (f != nullptr) {
        auto v = scalar(*f);
        if (!v) continue;
        value = *v;
        pos = f->value_pos;
      }
      (std::string(which) == "source" ? vol.source : vol.destination) = value;
      if (auto err = check_volume_path(which, value)) d_.error(pos, *err);
    }
    if (const Entry* f = find(fs, "read_only")) vol.read_only = boolean(*f).value_or(false);
    step.volumes.push_back(std::move(vol));
  }
}

void Reader::read_produces(const Entry& e, Step& s, WorkflowContext& wc, const std::vector<std::string>& earlier) {
  if (!mapping(e)) return;
  auto es = entries(e.value, {"artifact", "outputs", "events"});
  if (const Entry* f = find(es, "artifact")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      s.produces_artifact = *v;
      if (cfg_.find_artifact(*v) == nullptr) {
        d_.error(f->value_pos, "produces.artifact '" + *v + "' is not declared under artifacts");
      }
    }
  }
  // Schema errors are wrapped "invalid produces section: "; template errors
  // carry the step context only, like every other template.
  const std::string P = "invalid produces section: ";
  if (const Entry* f = find(es, "outputs")) {
    if (f->value.is_mapping()) {
      for (const auto& o : free_entries(f->value)) {
        if (o.key == "outputs") {
          d_.error(o.key_pos, P + "output name 'outputs' is reserved");
          continue;
        }
        if (!is_id(o.key)) {
          d_.error(o.key_pos, P + "invalid output name '" + o.key + "': " + id_rule_text());
          continue;
        }
        if (!o.value.is_scalar() && !o.value.is_null()) {
          d_.error(o.value_pos, P + o.key + ": expected a scalar");
          continue;
        }
        std::string v = o.value.is_scalar() ? o.value.scalar() : "";
        if (v.empty()) {
          d_.error(o.value_pos, P + "output '" + o.key + "' cannot have empty value");
          continue;
        }
        if (!valid_output_source(v)) {
          d_.error(o.value_pos, P + "output '" + o.key + "' has invalid format '" + v + "'");
          continue;
        }
        s.outputs.push_back(OutputSpec{o.key, v, o.value_pos});
        if (has_template(v)) {
          TemplateSite site;
          site.text = s.outputs.back().source;
          site.label = wc.workflow->name + "." + s.id + ".outputs." + o.key;
          site.pos = o.value_pos;
          site.scope = step_scope(wc, earlier);
          check_template(site);
        }
      }
      std::stable_sort(s.outputs.begin(), s.outputs.end(),
                       [](const OutputSpec& a, const OutputSpec& b) { return a.name < b.name; });
    } else if (!f->value.is_null()) {
      d_.error(f->value_pos, P + "outputs: expected a mapping");
    }
  }
  if (const Entry* f = find(es, "events")) {
    const std::string PE = P + "invalid events: ";
    if (!f->value.is_sequence() && !f->value.is_null()) d_.error(f->value_pos, PE + "events: expected a sequence");
    int j = 0;
    for (const auto& el : f->value.is_sequence() ? elements(*f) : std::vector<Entry>{}) {
      const int index = j++;
      const std::string ev = "event " + std::to_string(index);
      if (!el.value.is_mapping()) {
        d_.error(el.value_pos, PE + ev + ": expected a mapping");
        continue;
      }
      StepEvent out;
      out.pos = el.value_pos;
      auto fs = entries(el.value, {"type", "schema_version", "payload"});
      const Entry* type = find(fs, "type");
      if (type != nullptr && type->value.is_scalar()) out.type = type->value.scalar();
      Pos type_pos = type ? type->value_pos : out.pos;
      if (type != nullptr && !type->value.is_scalar() && !type->value.is_null()) {
        d_.error(type_pos, PE + ev + ": type: expected a scalar");
      } else if (out.type.empty()) {
        d_.error(type_pos, PE + ev + ": event type cannot be empty");
      } else if (!is_event_type(out.type)) {
        d_.error(type_pos, PE + ev + ": event type '" + out.type + "' " + snake_case_text());
      }
      if (const Entry* sv = find(fs, "schema_version")) {
        if (sv->value.is_scalar()) {
          out.schema_version = sv->value.scalar();
          if (!out.schema_version.empty() && !is_semver(out.schema_version)) {
            d_.error(sv->value_pos, PE + ev + " (" + out.type + "): schema version '" + out.schema_version +
                                        "' must follow semantic versioning format (x.y.z)");
          }
        } else if (!sv->value.is_null()) {
          d_.error(sv->value_pos, PE + ev + ": schema_version: expected a scalar");
        }
      }
      if (const Entry* p = find(fs, "payload")) {
        if (p->value.is_mapping()) {
          for (const auto& kv : free_entries(p->value)) out.payload.emplace_back(kv.key, to_json(kv.value));
          check_template_leaves(p->value, wc.workflow->name + "." + s.id + ".events." + std::to_string(index) + ".payload",
                                p->value_pos, wc, earlier);
        } else if (!p->value.is_null()) {
          d_.error(p->value_pos, PE + ev + ": payload: expected a mapping");
        }
      }
      s.produces_events.push_back(std::move(out));
    }
  }
}

}  // namespace tako::config::detail
