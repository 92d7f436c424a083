#include "tako/container/environment.h"

#include <algorithm>
#include <map>

#include "tako/proc/spawn.h"

namespace tako::container {

ContainerEnvironment container_environment(std::vector<std::string> host_env,
                                           const std::vector<std::pair<std::string, std::string>>& forwarded,
                                           const std::string& runtime) {
  std::map<std::string, std::string> values;  // sorted names, last value wins
  for (const auto& [k, v] : forwarded) values[k] = v;
  ContainerEnvironment out;
  const std::optional<std::string> host_home = proc::env_get(host_env, "HOME");
  auto home = values.find("HOME");
  if (host_home && !host_home->empty() && home != values.end() && home->second != *host_home) {
    const std::vector<std::pair<const char*, const char*>> keep =
        runtime == "docker"
            ? std::vector<std::pair<const char*, const char*>>{{"DOCKER_CONFIG", "/.docker"}}
            : std::vector<std::pair<const char*, const char*>>{{"XDG_CONFIG_HOME", "/.config"},
                                                               {"XDG_DATA_HOME", "/.local/share"}};
    for (const auto& [name, suffix] : keep) {
      if (values.count(name) == 0 && !proc::env_get(host_env, name)) proc::env_set(host_env, name, *host_home + suffix);
    }
  }
  for (const auto& [k, v] : values) {
    proc::env_set(host_env, k, v);
    out.names.push_back(k);
  }
  out.runtime_env = std::move(host_env);
  return out;
}

}  // namespace tako::container
