#include "tako/config/config.h"

namespace tako::config {

const Workflow* Config::find_workflow(const std::string& name) const {
  for (const auto& w : workflows) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

const Artifact* Config::find_artifact(const std::string& name) const {
  for (const auto& a : artifacts) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

const ProducedEventType* Config::find_produced_event(const std::string& type) const {
  for (const auto& e : produces) {
    if (e.type == type) return &e;
  }
  return nullptr;
}

}  // namespace tako::config
