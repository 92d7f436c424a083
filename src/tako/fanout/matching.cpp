#include "tako/fanout/matching.h"

#include <mutex>
#include <unordered_map>

#include "tako/cel/semver.h"
#include "tako/fanout/event.h"
#include "tako/util/strings.h"

namespace tako::fanout {

namespace {

// Filters are compiled once per process and evaluated per event.
Result<cel::Program> compiled_filter(const std::string& text) {
  static std::mutex mu;
  static std::unordered_map<std::string, Result<cel::Program>> cache;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = cache.find(text); it != cache.end()) return it->second;
  cel::Env env;
  env.declare("event").declare("payload").declare("event_type").declare("source").declare("schema_version")
      .declare("artifact");
  auto p = cel::compile(text, env);
  cache.emplace(text, p);
  return p;
}

}  // namespace

bool is_candidate(const config::Subscription& sub, const state::EventRecord& event) {
  if (!util::iequals(sub.source_repo, event.source)) return false;
  if (!(sub.artifact_name == "*" || sub.artifact_name == event.artifact || event.artifact == "default")) {
    return false;
  }
  for (const auto& e : sub.events) {
    if (e.type == event.type) return true;
  }
  return false;
}

std::vector<Candidate> discover(const repo::Universe& universe, const state::EventRecord& event) {
  std::vector<Candidate> out;
  const auto& members = universe.members();
  for (size_t m = 0; m < members.size(); ++m) {
    Candidate c;
    c.member = int(m);
    const auto& subs = members[m].config->subscriptions;
    for (size_t i = 0; i < subs.size(); ++i) {
      if (is_candidate(subs[i], event)) c.subscriptions.push_back(i);
    }
    if (!c.subscriptions.empty()) out.push_back(std::move(c));
  }
  return out;
}

cel::Activation filter_activation(const state::EventRecord& event) {
  cel::Activation act;
  act.set("event", event_to_cel(event));
  act.set_json("payload", event.payload);
  act.set("event_type", cel::Value::string(event.type));
  act.set("source", cel::Value::string(event.source));
  act.set("schema_version", cel::Value::string(event.schema_version));
  act.set("artifact", cel::Value::string(event.artifact));
  return act;
}

Evaluation evaluate(const config::Subscription& sub, const state::EventRecord& event,
                    const cel::Activation& activation) {
  Evaluation ev;
  std::optional<std::string> range = sub.schema_version;
  for (const auto& e : sub.events) {
    if (e.type == event.type && e.schema_version) range = e.schema_version;
  }
  if (range && !event.schema_version.empty()) {
    auto ok = cel::semver::satisfies(event.schema_version, *range);
    if (!ok) {
      ev.error = "schema version check failed: " + ok.error().message;
      return ev;
    }
    ev.range_note = "range " + *range + (*ok ? " satisfied by " : " not satisfied by ") + event.schema_version;
    if (!*ok) return ev;
  } else if (range) {
    ev.range_note = "range " + *range + " (event has no schema version)";
  }
  for (size_t k = 0; k < sub.filters.size(); ++k) {
    auto program = compiled_filter(sub.filters[k]);
    if (!program) {
      ev.error = "filter " + std::to_string(k) + " evaluation failed: " + program.error().message;
      return ev;
    }
    auto result = program->eval_bool(activation);
    if (!result) {
      ev.error = "filter " + std::to_string(k) + " evaluation failed: " + result.error().message;
      return ev;
    }
    ev.filter_notes.push_back("filter " + std::to_string(k) + " " + sub.filters[k] + " -> " +
                              (*result ? "true" : "false"));
    if (!*result) return ev;
  }
  ev.matched = true;
  return ev;
}

Selection select_subscription(const std::vector<const config::Subscription*>& subs,
                              const state::EventRecord& event, const cel::Activation& activation) {
  Selection sel;
  for (size_t i = 0; i < subs.size(); ++i) {
    sel.evaluations.push_back(evaluate(*subs[i], event, activation));
    const Evaluation& e = sel.evaluations.back();
    if (e.error) {
      sel.errors.emplace_back(i, *e.error);
    } else if (e.matched) {
      if (sel.selected) sel.skipped.push_back(i);
      else sel.selected = i;
    }
  }
  return sel;
}

}  // namespace tako::fanout
