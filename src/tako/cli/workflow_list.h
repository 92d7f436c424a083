// `tako list` (REFERENCE.md §1.14): the workflows of the repositories of the graph, their inputs and
// the subscriptions that trigger them. Pure functions over loaded configurations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/config/config.h"

namespace tako::cli {

struct ListedRepo {
  std::string identity;
  std::string path;
  std::shared_ptr<const config::Config> config;
};

// {"repositories":[{"name","path","workflows":[{"name","description","inputs":[{"name","type","required",
//  "default","description"}],"triggers":[{"source","artifact","events":[{"type","schema_version"}],
//  "filters":[...]}]}]}]}
// Repositories sorted by lowercased identity, workflows by name, inputs by name, triggers by
// (source, artifact) keeping file order among equals; object keys sorted.
nlohmann::json list_json(std::vector<ListedRepo> repos);

// The text form:
//   <identity>  (<path>)
//     <workflow>  <description>
//       input <name>: <type>[, required][, default <value>]
//       on <event>[@<range>][, <event>...] from <source>:<artifact>[ if <filter> && ...]
// "No workflows found." when there is none.
std::string list_text(std::vector<ListedRepo> repos);

}  // namespace tako::cli
