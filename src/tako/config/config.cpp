#include "tako/config/config.h"

namespace tako::config {

const Workflow* Config::find_workflow(const std::string& name) const {
  for (const auto& w : workflows) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace tako::config
