// Subscriptions (REFERENCE.md §4.6) and their cross-checks against the workflows (§4.7).
#include <algorithm>
#include <cctype>

#include "tako/cel/semver.h"
#include "tako/config/name_rules.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"

namespace tako::config::detail {

void Reader::read_subscriptions(const Entry& e, bool from_events) {
  int i = 0;
  for (const auto& el : elements(e)) {
    cfg_.subscriptions.push_back(read_subscription(el, i++, from_events));
  }
}

Subscription Reader::read_subscription(const Entry& e, int index, bool from_events) {
  Subscription s;
  s.index = index;
  s.from_events = from_events;
  s.pos = e.value_pos;
  const std::string label_base = std::string(from_events ? "events.subscriptions." : "subscriptions.") +
                                 std::to_string(index);
  std::vector<Entry> es;
  {
    auto scope = d_.scope("invalid subscriptions: subscription " + std::to_string(index) + ": ");
    if (!e.value.is_mapping()) {
      d_.error(s.pos, "expected a mapping");
      return s;
    }
    es = entries(e.value, {"artifact", "events", "schema_version", "filters", "filter", "workflow", "inputs"});

    // artifact
    const Entry* art = find(es, "artifact");
    std::optional<std::string> artifact = art ? scalar(*art) : std::string();
    if (artifact) {
      s.artifact = *artifact;
      std::string err;
      if (auto ref = parse_artifact_ref(*artifact, &err)) {
        s.source_repo = ref->repo;
        s.artifact_name = ref->name;
      } else {
        d_.error(art ? art->value_pos : s.pos, "invalid artifact reference: " + err);
      }
    }

    // events
    const Entry* evs = find(es, "events");
    if (evs == nullptr || evs->value.is_null() || (evs->value.is_sequence() && evs->value.size() == 0)) {
      d_.error(evs ? evs->value_pos : s.pos, "events list cannot be empty");
    } else {
      int j = 0;
      for (const auto& el : elements(*evs)) {
        const std::string ev = "event " + std::to_string(j++);
        SubscribedEvent se;
        se.pos = el.value_pos;
        Pos type_pos = se.pos;
        if (el.value.is_mapping()) {
          auto fs = entries(el.value, {"type", "schema_version"});
          if (const Entry* t = find(fs, "type")) {
            type_pos = t->value_pos;
            auto v = scalar(*t);
            if (!v) continue;
            se.type = *v;
          }
          if (const Entry* r = find(fs, "schema_version")) {
            if (auto v = scalar(*r); v && !v->empty()) {
              se.schema_version = *v;
              if (auto st = cel::semver::validate_range(*v); !st) {
                d_.error(r->value_pos, ev + ": invalid schema version: " + st.error().message);
              }
            }
          }
        } else if (el.value.is_scalar()) {
          se.type = el.value.scalar();
        } else if (!el.value.is_null()) {
          d_.error(el.value_pos, ev + ": expected a string or a mapping");
          continue;
        }
        if (se.type.empty()) {
          d_.error(type_pos, ev + ": event type cannot be empty");
        } else if (!is_event_type(se.type)) {
          d_.error(type_pos, ev + ": event type '" + se.type + "' " + snake_case_text());
        }
        s.events.push_back(std::move(se));
      }
    }

    // schema_version
    if (const Entry* r = find(es, "schema_version")) {
      if (auto v = scalar(*r); v && !v->empty()) {
        s.schema_version = *v;
        if (auto st = cel::semver::validate_range(*v); !st) {
          d_.error(r->value_pos, "invalid schema version: " + st.error().message);
        }
      }
    }

    // filter, then filters
    if (const Entry* f = find(es, "filter")) {
      if (auto v = scalar(*f); v && !v->empty()) {
        s.filters.push_back(*v);
        s.filter_pos.push_back(f->value_pos);
      }
    }
    if (const Entry* f = find(es, "filters")) {
      std::vector<Pos> pos;
      auto list = scalar_list(*f, false, &pos);
      for (size_t k = 0; k < list.size(); ++k) {
        s.filters.push_back(std::move(list[k]));
        s.filter_pos.push_back(pos[k]);
      }
    }
    for (size_t k = 0; k < s.filters.size(); ++k) {
      const std::string prefix = "filter " + std::to_string(k) + ": ";
      std::string_view trimmed = s.filters[k];
      while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
      if (trimmed.empty()) {
        d_.error(s.filter_pos[k], prefix + "CEL expression cannot be empty");
        continue;
      }
      CelSite site;
      site.kind = CelSite::Kind::SubscriptionFilter;
      site.expr = s.filters[k];
      site.pos = s.filter_pos[k];
      check_cel(site, prefix);
    }

    // workflow
    const Entry* wf = find(es, "workflow");
    s.workflow_pos = wf ? wf->value_pos : s.pos;
    std::optional<std::string> name = wf ? scalar(*wf) : std::string();
    if (name) s.workflow = *name;
    if (name && s.workflow.empty()) {
      d_.error(s.workflow_pos, "workflow name cannot be empty");
    } else if (name && !is_name(s.workflow)) {
      d_.error(s.workflow_pos, "workflow name '" + s.workflow + "' " + name_rule_text());
    }

    // inputs
    if (const Entry* in = find(es, "inputs"); in != nullptr && mapping(*in)) {
      for (const auto& kv : free_entries(in->value)) {
        auto v = scalar(kv);
        if (!v) continue;
        s.inputs.emplace_back(kv.key, *v);
        s.input_pos.push_back(kv.value_pos);
        TemplateSite site;
        site.kind = TemplateSite::Kind::SubscriptionInput;
        site.text = s.inputs.back().second;
        site.label = label_base + ".inputs." + kv.key;
        site.pos = kv.value_pos;
        auto input_scope = d_.scope("input '" + kv.key + "': ");
        check_template(site);
      }
    }
  }
  const Entry* in = find(es, "inputs");
  check_subscription_workflow(s, in ? in->value : yaml::Node(), in ? in->value_pos : s.pos);
  return s;
}

void Reader::check_subscription_workflow(const Subscription& s, const yaml::Node& inputs_node, Pos inputs_pos) {
  if (s.workflow.empty() || !is_name(s.workflow)) return;
  const Workflow* w = cfg_.find_workflow(s.workflow);
  if (w == nullptr) {
    d_.error(s.workflow_pos,
             "subscription " + std::to_string(s.index) + " references non-existent workflow '" + s.workflow + "'");
    return;
  }
  auto scope = d_.scope("invalid subscriptions: subscription " + std::to_string(s.index) + ": ");
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    const std::string& name = s.inputs[i].first;
    bool declared = std::any_of(w->inputs.begin(), w->inputs.end(), [&](const Input& in) { return in.name == name; });
    if (!declared) {
      Pos p = s.input_pos[i];
      if (inputs_node.is_mapping()) {
        for (const auto& kv : inputs_node.pairs()) {
          if (kv.first.is_scalar() && kv.first.scalar() == name) p = pos_of(kv.first);
        }
      }
      d_.error(p, "input '" + name + "' is not declared by workflow '" + w->name + "'");
    }
  }
  Pos missing_pos = inputs_node.is_mapping() ? inputs_pos : s.pos;
  for (const auto& in : w->inputs) {
    if (!in.required || in.default_value || !in.default_text.empty()) continue;
    bool mapped = std::any_of(s.inputs.begin(), s.inputs.end(), [&](const auto& kv) { return kv.first == in.name; });
    if (!mapped) d_.error(missing_pos, "required input '" + in.name + "' of workflow '" + w->name + "' is not mapped");
  }
}

}  // namespace tako::config::detail
