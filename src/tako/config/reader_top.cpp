// Top level of tako.yml (REFERENCE.md §4.2): version, metadata, artifacts, dependents,
// events.produces; then workflows and subscriptions (other files).
#include "tako/config/name_rules.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"

namespace tako::config::detail {

void Reader::read_document(const yaml::Node& root) {
  Pos root_pos = pos_of(root);
  if (root_pos.line == 0) root_pos = {1, 1};
  auto es = entries(root, {"version", "metadata", "artifacts", "dependents", "events", "subscriptions", "workflows"});

  const Entry* version = find(es, "version");
  if (version == nullptr) {
    d_.error(root_pos, "missing required field: version");
  } else if (auto v = scalar(*version)) {
    cfg_.version = *v;
    if (v->empty()) d_.error(version->value_pos, "missing required field: version");
  }
  if (const Entry* e = find(es, "metadata")) read_metadata(*e);
  if (const Entry* e = find(es, "artifacts")) read_artifacts(*e);
  if (const Entry* e = find(es, "dependents")) read_dependents(*e);

  // events.produces is needed by the fan-out checks of the workflows, and the
  // workflows by the subscription checks: read in that order.
  const Entry* events = find(es, "events");
  std::vector<Entry> event_entries;
  if (events != nullptr && mapping(*events)) {
    event_entries = entries(events->value, {"produces", "subscriptions"});
    if (const Entry* p = find(event_entries, "produces")) read_produced_events(*p);
  }
  if (const Entry* e = find(es, "workflows")) read_workflows(*e);
  if (const Entry* e = find(es, "subscriptions")) read_subscriptions(*e, false);
  if (const Entry* e = find(event_entries, "subscriptions")) read_subscriptions(*e, true);
}

void Reader::read_metadata(const Entry& e) {
  if (!mapping(e)) return;
  auto es = entries(e.value, {"name", "description"});
  if (const Entry* n = find(es, "name")) {
    if (auto v = scalar(*n)) {
      cfg_.metadata_name = *v;
      if (!v->empty() && !is_metadata_name(*v)) {
        d_.error(n->value_pos, "invalid metadata.name '" + *v + "': expected 'owner/repo'");
      }
    }
  }
  if (const Entry* n = find(es, "description")) {
    if (auto v = scalar(*n)) cfg_.metadata_description = *v;
  }
}

void Reader::read_artifacts(const Entry& e) {
  if (!mapping(e)) return;
  for (const auto& a : free_entries(e.value)) {
    Artifact art;
    art.name = a.key;
    art.pos = a.key_pos;
    if (!is_name(a.key)) d_.error(a.key_pos, "invalid artifact name '" + a.key + "': " + name_rule_text());
    if (mapping(a)) {
      auto fs = entries(a.value, {"path", "ecosystem", "description", "command", "image", "install_command",
                                  "verify_command"});
      std::pair<const char*, std::string*> fields[] = {
          {"path", &art.path},       {"ecosystem", &art.ecosystem},
          {"description", &art.description}, {"command", &art.command},
          {"image", &art.image},     {"install_command", &art.install_command},
          {"verify_command", &art.verify_command}};
      for (auto& [key, out] : fields) {
        if (const Entry* f = find(fs, key)) {
          if (auto v = scalar(*f)) *out = *v;
        }
      }
    }
    cfg_.artifacts.push_back(std::move(art));
  }
}

void Reader::read_dependents(const Entry& e) {
  int i = 0;
  for (const auto& el : elements(e)) {
    const int index = i++;
    Dependent dep;
    dep.pos = el.value_pos;
    const std::string bad =
        "dependents " + std::to_string(index) + ": repo must be in format 'owner/repo' or 'owner/repo:branch'";
    if (!el.value.is_mapping()) {
      d_.error(el.value_pos, el.key + ": expected a mapping");
      continue;
    }
    auto fs = entries(el.value, {"repo", "artifacts", "workflows"});
    const Entry* repo = find(fs, "repo");
    if (repo == nullptr) {
      d_.error(dep.pos, bad);
    } else if (auto v = scalar(*repo)) {
      dep.repo = *v;
      if (!is_repo_spec(*v)) d_.error(repo->value_pos, bad);
    }
    if (const Entry* a = find(fs, "artifacts")) dep.artifacts = scalar_list(*a);
    if (const Entry* w = find(fs, "workflows")) dep.workflows = scalar_list(*w);
    cfg_.dependents.push_back(std::move(dep));
  }
}

void Reader::read_produced_events(const Entry& e) {
  static const char* const kTypes[] = {"string", "number", "integer", "boolean", "object", "array", "any"};
  auto valid_type = [](const std::string& t) {
    for (const char* k : kTypes) {
      if (t == k) return true;
    }
    return false;
  };
  int j = 0;
  for (const auto& el : elements(e)) {
    const int index = j++;
    auto scope = d_.scope("invalid events.produces: event " + std::to_string(index) + ": ");
    if (!el.value.is_mapping()) {
      d_.error(el.value_pos, el.key + ": expected a mapping");
      continue;
    }
    ProducedEventType ev;
    ev.pos = el.value_pos;
    auto fs = entries(el.value, {"type", "schema_version", "description", "payload"});
    const Entry* type = find(fs, "type");
    if (type != nullptr) {
      if (auto v = scalar(*type)) ev.type = *v;
    }
    Pos type_pos = type ? type->value_pos : ev.pos;
    if (ev.type.empty()) {
      d_.error(type_pos, "event type cannot be empty");
    } else if (!is_event_type(ev.type)) {
      d_.error(type_pos, "event type '" + ev.type + "' " + snake_case_text());
    } else if (cfg_.find_produced_event(ev.type) != nullptr) {
      d_.error(type_pos, "duplicate event type '" + ev.type + "'");
    }
    if (const Entry* sv = find(fs, "schema_version")) {
      if (auto v = scalar(*sv)) {
        ev.schema_version = *v;
        if (!v->empty() && !is_semver(*v)) {
          d_.error(sv->value_pos, "schema version '" + *v + "' must follow semantic versioning format (x.y.z)");
        }
      }
    }
    if (const Entry* desc = find(fs, "description")) {
      if (auto v = scalar(*desc)) ev.description = *v;
    }
    if (const Entry* p = find(fs, "payload"); p != nullptr && mapping(*p)) {
      for (const auto& f : free_entries(p->value)) {
        PayloadField field;
        Pos tpos = f.value_pos;
        if (f.value.is_mapping()) {
          auto ffs = entries(f.value, {"type", "required"});
          if (const Entry* t = find(ffs, "type")) {
            if (auto v = scalar(*t)) field.type = *v;
            tpos = t->value_pos;
          }
          if (const Entry* r = find(ffs, "required")) field.required = boolean(*r).value_or(false);
        } else if (auto v = scalar(f)) {
          field.type = *v;
        } else {
          continue;
        }
        if (field.type.empty()) field.type = "any";
        if (!valid_type(field.type)) {
          d_.error(tpos, "payload field '" + f.key + "': invalid type '" + field.type +
                             "', must be one of: [string number integer boolean object array any]");
        }
        ev.payload.emplace_back(f.key, field);
      }
    }
    cfg_.produces.push_back(std::move(ev));
  }
}

}  // namespace tako::config::detail
