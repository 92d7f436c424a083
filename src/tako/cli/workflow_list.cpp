#include "tako/cli/workflow_list.h"

#include <algorithm>

#include "tako/util/strings.h"

namespace tako::cli {

namespace {

void sort_repos(std::vector<ListedRepo>& repos) {
  std::stable_sort(repos.begin(), repos.end(), [](const ListedRepo& a, const ListedRepo& b) {
    return util::to_lower(a.identity) < util::to_lower(b.identity);
  });
}

std::vector<const config::Workflow*> sorted_workflows(const config::Config& c) {
  std::vector<const config::Workflow*> out;
  for (const auto& w : c.workflows) out.push_back(&w);
  std::stable_sort(out.begin(), out.end(),
                   [](const config::Workflow* a, const config::Workflow* b) { return a->name < b->name; });
  return out;
}

// The subscriptions of `c` that run workflow `w`, sorted by (source, artifact), file order among equals.
std::vector<const config::Subscription*> triggers(const config::Config& c, const std::string& w) {
  std::vector<const config::Subscription*> out;
  for (const auto& s : c.subscriptions) {
    if (s.workflow == w) out.push_back(&s);
  }
  std::stable_sort(out.begin(), out.end(), [](const config::Subscription* a, const config::Subscription* b) {
    auto ka = std::make_pair(util::to_lower(a->source_repo), a->artifact_name);
    auto kb = std::make_pair(util::to_lower(b->source_repo), b->artifact_name);
    return ka < kb;
  });
  return out;
}

// The event's own range, else the subscription's default, else none.
std::optional<std::string> range_of(const config::Subscription& s, const config::SubscribedEvent& e) {
  if (e.schema_version && !e.schema_version->empty()) return e.schema_version;
  return s.schema_version;
}

std::string default_text(const config::Input& in) {
  if (!in.default_value) return "";
  if (in.default_value->is_string()) return in.default_value->get<std::string>();
  return in.default_value->dump();
}

}  // namespace

nlohmann::json list_json(std::vector<ListedRepo> repos) {
  sort_repos(repos);
  nlohmann::json out_repos = nlohmann::json::array();
  for (const auto& r : repos) {
    nlohmann::json wfs = nlohmann::json::array();
    for (const config::Workflow* w : sorted_workflows(*r.config)) {
      nlohmann::json inputs = nlohmann::json::array();
      for (const auto& in : w->inputs) {
        inputs.push_back({{"name", in.name},
                          {"type", in.type},
                          {"required", in.required},
                          {"default", in.default_value ? *in.default_value : nlohmann::json(nullptr)},
                          {"description", in.description}});
      }
      nlohmann::json trig = nlohmann::json::array();
      for (const config::Subscription* s : triggers(*r.config, w->name)) {
        nlohmann::json events = nlohmann::json::array();
        for (const auto& e : s->events) {
          auto range = range_of(*s, e);
          events.push_back({{"type", e.type}, {"schema_version", range ? nlohmann::json(*range) : nlohmann::json(nullptr)}});
        }
        trig.push_back({{"source", s->source_repo}, {"artifact", s->artifact_name}, {"events", events},
                        {"filters", s->filters}});
      }
      wfs.push_back({{"name", w->name}, {"description", w->description}, {"inputs", inputs}, {"triggers", trig}});
    }
    out_repos.push_back({{"name", r.identity}, {"path", r.path}, {"workflows", wfs}});
  }
  return {{"repositories", out_repos}};
}

std::string list_text(std::vector<ListedRepo> repos) {
  sort_repos(repos);
  std::string out;
  for (const auto& r : repos) {
    if (r.config->workflows.empty()) continue;
    out += r.identity + "  (" + r.path + ")\n";
    for (const config::Workflow* w : sorted_workflows(*r.config)) {
      out += "  " + w->name;
      if (!w->description.empty()) out += "  " + w->description;
      out += "\n";
      for (const auto& in : w->inputs) {
        out += "    input " + in.name + ": " + in.type;
        if (in.required) out += ", required";
        if (in.default_value) out += ", default " + default_text(in);
        out += "\n";
      }
      for (const config::Subscription* s : triggers(*r.config, w->name)) {
        std::vector<std::string> evs;
        for (const auto& e : s->events) {
          auto range = range_of(*s, e);
          evs.push_back(range ? e.type + "@" + *range : e.type);
        }
        out += "    on " + util::join(evs, ", ") + " from " + s->source_repo + ":" + s->artifact_name;
        if (s->filters.size() == 1) out += " if " + s->filters[0];
        if (s->filters.size() > 1) out += " if (" + util::join(s->filters, ") && (") + ")";
        out += "\n";
      }
    }
  }
  if (out.empty()) return "No workflows found.\n";
  return out;
}

}  // namespace tako::cli
