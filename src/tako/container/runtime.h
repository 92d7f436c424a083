// Container runtime selection and detection (REFERENCE.md §12.1).
//
// The pure part (parse_runtime_choice, detect_runtime with an injected probe, keep-id
// support by version) is separate from the process part (system_probe) so every branch
// can be unit-tested without docker or podman.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tako/util/result.h"

namespace tako::container {

// The value of --container-runtime / TAKO_CONTAINER_RUNTIME: auto, docker or podman.
bool valid_runtime_choice(std::string_view choice);

// The usage error for an invalid choice coming from `source` ("--container-runtime" flag
// or the TAKO_CONTAINER_RUNTIME variable).
std::string invalid_runtime_message(std::string_view value, bool from_flag);

struct Runtime {
  std::string name;     // "docker" | "podman": argv[0] of every runtime command
  std::string version;  // as printed by the detection command
  bool rootless = false;  // podman only (§12.1)
};

// What one detection command did.
struct ProbeResult {
  bool ok = false;     // exited 0 within the limit
  std::string output;  // trimmed stdout, or the failure text (stderr/stdout, spawn error, timeout)
};
using Probe = std::function<ProbeResult(const std::vector<std::string>& argv)>;

// Selects the runtime for `choice` (auto|docker|podman), running detection commands
// through `probe`: `docker version --format '{{.Server.Version}}'`, then `podman version
// --format '{{.Version}}'`, then (podman) `podman info --format '{{.Host.Security.Rootless}}'`.
// Errors (exact, §12.1): `container execution requested but no container runtime is
// available (install docker or podman)` for auto; `container runtime '<rt>' is not
// available: <output>` for an explicit choice.
Result<Runtime> detect_runtime(std::string_view choice, const Probe& probe);

// Runs a detection command for real: 10 s limit, tako's environment.
ProbeResult system_probe(const std::vector<std::string>& argv);

// detect_runtime(choice, system_probe) once per tako process (the first container step
// detects; later steps, also of other runs on other threads, reuse the answer).
Result<Runtime> detect_runtime_once(std::string_view choice);

// Rootless podman 4.3 or newer supports `--userns keep-id:uid=…,gid=…` (§12.2).
bool supports_keep_id_mapping(const Runtime& rt);

}  // namespace tako::container
