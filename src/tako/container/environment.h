// The environment of a container step (REFERENCE.md §12.2): which variables reach the
// container, and the environment of the runtime process that carries their values.
//
// Values never appear on the runtime's command line (`ps` shows it to every user, --debug
// prints it): the container gets `--env NAME` per forwarded variable and the runtime reads
// NAME from its own environment. Nothing else of the host environment enters the container.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace tako::container {

struct ContainerEnvironment {
  std::vector<std::string> names;        // forwarded names, sorted, unique
  std::vector<std::string> runtime_env;  // KEY=VALUE: the runtime process's environment
};

// `host_env`: tako's environment minus secrets (what the runtime itself needs: PATH,
// XDG_RUNTIME_DIR, DOCKER_HOST, CONTAINERS_CONF, …). `forwarded`: name/value pairs in
// increasing precedence (a later pair for the same name wins).
//
// Forwarding HOME=/tmp also changes the runtime's own HOME, where docker and rootless
// podman find their configuration and image store. Unless already set, the runtime's own
// variables for them are then pointed at the host HOME's locations in the runtime's
// environment (they are not forwarded), so the runtime keeps its own files: DOCKER_CONFIG
// for `runtime` docker, XDG_CONFIG_HOME and XDG_DATA_HOME for podman (podman also reads
// DOCKER_CONFIG, as an auth file location that must exist, so it is never set for podman).
ContainerEnvironment container_environment(std::vector<std::string> host_env,
                                           const std::vector<std::pair<std::string, std::string>>& forwarded,
                                           const std::string& runtime);

}  // namespace tako::container
