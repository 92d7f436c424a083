// Workflows and inputs (REFERENCE.md §4.3, §4.4).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "tako/config/container_rules.h"
#include "tako/config/name_rules.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"

namespace tako::config::detail {
namespace {

// §7.1: number = -?\d+(\.\d+)?([eE][+-]?\d+)?
bool is_number_text(std::string_view s) {
  size_t i = 0;
  auto digits = [&]() {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// 1e999 is number text but overflows a double to +Inf.
bool is_finite_number(const std::string& s) { return std::isfinite(std::strtod(s.c_str(), nullptr)); }

nlohmann::json number_value(const std::string& s) {
  bool integer = s.find_first_of(".eE") == std::string::npos;
  if (integer && s.size() <= 19) {
    errno = 0;
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno == 0) return static_cast<int64_t>(v);
  }
  return std::strtod(s.c_str(), nullptr);
}

}  // namespace

void Reader::read_workflows(const Entry& e) {
  if (!mapping(e)) return;
  for (const auto& w : free_entries(e.value)) {
    cfg_.workflows.push_back(read_workflow(w));
  }
}

Workflow Reader::read_workflow(const Entry& e) {
  Workflow wf;
  wf.name = e.key;
  wf.pos = e.value.is_mapping() ? e.value_pos : e.key_pos;
  auto scope = d_.scope("invalid workflow '" + e.key + "': ");
  if (!is_name(e.key)) d_.error(e.key_pos, "invalid workflow name '" + e.key + "': " + name_rule_text());
  std::vector<Entry> es;
  if (e.value.is_mapping()) {
    es = entries(e.value, {"on", "description", "image", "env", "secrets", "resources", "inputs", "steps", "executor", "slurm"});
  } else if (!e.value.is_null()) {
    d_.error(e.value_pos, e.key + ": expected a mapping");
  }
  if (const Entry* f = find(es, "on")) wf.on = scalar(*f).value_or("");
  if (const Entry* f = find(es, "description")) wf.description = scalar(*f).value_or("");
  if (const Entry* f = find(es, "image")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      wf.image = *v;
      wf.image_pos = f->value_pos;
      if (auto err = check_image_name(*v)) d_.error(f->value_pos, *err);
    }
  }
  if (const Entry* f = find(es, "secrets")) {
    std::vector<Pos> pos;
    for (const auto& s : scalar_list(*f, false, &pos)) {
      size_t i = wf.secrets.size();
      if (!is_env_name(s)) {
        d_.error(pos[i], "invalid secret name '" + s + "': " + env_rule_text());
      }
      wf.secrets.push_back(s);
    }
  }
  if (const Entry* f = find(es, "resources")) wf.resources = resources(*f);
  executor_fields(es, wf.executor, wf.executor_pos, wf.slurm);
  if (wf.executor == std::string(slurm::kSlurm) && wf.image) {
    d_.error(wf.executor_pos, "container steps cannot use executor 'slurm' yet");
  }
  if (const Entry* f = find(es, "inputs")) wf.inputs = read_inputs(*f);

  WorkflowContext wc;
  wc.workflow = &wf;
  for (const auto& in : wf.inputs) wc.input_names.push_back(in.name);
  wc.secrets = wf.secrets;

  if (const Entry* f = find(es, "env")) {
    std::vector<Pos> pos;
    wf.env = env(*f, &pos);
    for (size_t i = 0; i < wf.env.size(); ++i) {
      TemplateSite site;
      site.kind = TemplateSite::Kind::WorkflowEnv;
      site.text = wf.env[i].second;
      site.label = wf.name + ".env." + wf.env[i].first;
      site.pos = pos[i];
      site.scope = ExprScope{wf.name, wc.input_names, {}, wc.secrets};
      check_template(site);
    }
  }

  const Entry* steps = find(es, "steps");
  // A workflow that is not a mapping has its one error above; "no steps" would only add noise.
  bool no_steps = steps == nullptr || (steps->value.is_sequence() && steps->value.size() == 0) || steps->value.is_null();
  if (no_steps) {
    if (e.value.is_mapping() || e.value.is_null()) {
      d_.error(steps ? steps->value_pos : wf.pos, "workflow must have at least one step");
    }
  } else {
    wf.steps = read_steps(*steps, wc, "", {});
  }
  std::map<std::string, bool> seen;
  check_duplicate_ids(wf.steps, seen);
  return wf;
}

void Reader::check_duplicate_ids(const std::vector<Step>& steps, std::map<std::string, bool>& seen) {
  for (const auto& s : steps) {
    if (!s.id.empty() && !seen.emplace(s.id, true).second) {
      d_.error(s.id_pos, "duplicate step id '" + s.id + "'");
    }
    check_duplicate_ids(s.on_failure, seen);
  }
}

std::vector<Input> Reader::read_inputs(const Entry& e) {
  std::vector<Input> out;
  if (!mapping(e)) return out;
  for (const auto& in : free_entries(e.value)) out.push_back(read_input(in));
  std::stable_sort(out.begin(), out.end(), [](const Input& a, const Input& b) { return a.name < b.name; });
  return out;
}

Input Reader::read_input(const Entry& e) {
  Input in;
  in.name = e.key;
  in.pos = e.value.is_mapping() ? e.value_pos : e.key_pos;
  auto scope = d_.scope("invalid input '" + e.key + "': ");
  if (!is_id(e.key)) d_.error(e.key_pos, "invalid input name '" + e.key + "': " + id_rule_text());
  std::vector<Entry> es;
  if (e.value.is_mapping()) {
    es = entries(e.value, {"type", "description", "required", "default", "validation"});
  } else if (!e.value.is_null()) {
    d_.error(e.value_pos, e.key + ": expected a mapping");
  }
  bool type_ok = true;
  if (const Entry* f = find(es, "type")) {
    if (auto v = scalar(*f); v && !v->empty()) {
      in.type = *v;
      if (*v != "string" && *v != "boolean" && *v != "number") {
        type_ok = false;
        d_.error(f->value_pos, "invalid input type '" + *v + "', must be one of: [string boolean number]");
      }
    }
  }
  if (const Entry* f = find(es, "description")) in.description = scalar(*f).value_or("");
  const Entry* required = find(es, "required");
  if (required != nullptr) in.required = boolean(*required).value_or(false);

  if (const Entry* f = find(es, "default"); f != nullptr && !f->value.is_null()) {
    in.default_pos = f->value_pos;
    if (auto v = scalar(*f)) {
      in.default_text = *v;
      if (in.type == "string" || !type_ok) {
        in.default_value = *v;
      } else if (in.type == "boolean") {
        std::string low;
        for (char c : *v) low.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        if (low == "true" || low == "false") {
          in.default_value = low == "true";
        } else {
          d_.error(f->value_pos, "default value '" + *v + "' is not a valid boolean");
        }
      } else if (is_number_text(*v) && !is_finite_number(*v)) {
        d_.error(f->value_pos, "default value '" + *v + "' is not a finite number");
      } else if (is_number_text(*v)) {
        in.default_value = number_value(*v);
      } else {
        d_.error(f->value_pos, "default value '" + *v + "' is not a valid number");
      }
      if (in.required) d_.warning(f->value_pos, "input '" + in.name + "' is required; its default is never used");
    }
  }

  if (const Entry* f = find(es, "validation"); f != nullptr && mapping(*f)) {
    auto vs = entries(f->value, {"enum", "min", "max"});
    if (const Entry* en = find(vs, "enum")) {
      in.enum_values = scalar_list(*en);
      if (type_ok && in.type != "string") {
        d_.error(en->value_pos, "enum validation is only supported for string inputs");
      }
    }
    bool reported = false;
    for (const char* key : {"min", "max"}) {
      const Entry* m = find(vs, key);
      if (m == nullptr) continue;
      if (type_ok && in.type != "number" && !reported) {
        reported = true;
        d_.error(m->value_pos, "min/max validation is only supported for number inputs");
      }
      auto v = scalar(*m);
      if (!v || v->empty()) continue;
      if (!is_number_text(*v)) {
        d_.error(m->value_pos, std::string(key) + ": expected a number, got '" + *v + "'");
        continue;
      }
      if (!is_finite_number(*v)) {
        d_.error(m->value_pos, std::string(key) + ": '" + *v + "' is not a finite number");
        continue;
      }
      double d = std::strtod(v->c_str(), nullptr);
      (std::string(key) == "min" ? in.min : in.max) = d;
    }
  }
  return in;
}

}  // namespace tako::config::detail
