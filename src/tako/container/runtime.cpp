#include "tako/container/runtime.h"

#include <charconv>
#include <chrono>
#include <map>
#include <mutex>

#include "tako/container/runtime_command.h"
#include "tako/util/strings.h"

namespace tako::container {

bool valid_runtime_choice(std::string_view choice) {
  return choice == "auto" || choice == "docker" || choice == "podman";
}

std::string invalid_runtime_message(std::string_view value, bool from_flag) {
  if (from_flag) {
    return "invalid argument \"" + std::string(value) +
           "\" for \"--container-runtime\" flag: must be one of auto, docker, podman";
  }
  return "invalid value \"" + std::string(value) +
         "\" for TAKO_CONTAINER_RUNTIME: must be one of auto, docker, podman";
}

namespace {

std::vector<std::string> version_command(const std::string& rt) {
  if (rt == "docker") return {"docker", "version", "--format", "{{.Server.Version}}"};
  return {"podman", "version", "--format", "{{.Version}}"};
}

Runtime finish(const std::string& name, const ProbeResult& version, const Probe& probe) {
  Runtime rt;
  rt.name = name;
  rt.version = version.output;
  if (name == "podman") {
    // A failing `podman info` leaves the rootful argument list: the extra --userns option is
    // only an improvement of file ownership, never needed to run.
    ProbeResult info = probe({"podman", "info", "--format", "{{.Host.Security.Rootless}}"});
    rt.rootless = info.ok && info.output == "true";
  }
  return rt;
}

}  // namespace

Result<Runtime> detect_runtime(std::string_view choice, const Probe& probe) {
  if (choice == "docker" || choice == "podman") {
    const std::string name(choice);
    ProbeResult r = probe(version_command(name));
    if (!r.ok) return Error{"container runtime '" + name + "' is not available: " + r.output};
    return finish(name, r, probe);
  }
  for (const char* name : {"docker", "podman"}) {
    ProbeResult r = probe(version_command(name));
    if (r.ok) return finish(name, r, probe);
  }
  return Error{"container execution requested but no container runtime is available (install docker or podman)"};
}

ProbeResult system_probe(const std::vector<std::string>& argv) {
  RuntimeCommand cmd;
  cmd.argv = argv;
  cmd.timeout = std::chrono::seconds(10);
  cmd.stop_on_interrupt = true;
  CommandResult r = run_runtime_command(cmd);
  ProbeResult p;
  p.ok = r.ok;
  p.output = r.ok ? std::string(util::trim(r.out)) : r.failure_text();
  return p;
}

Result<Runtime> detect_runtime_once(std::string_view choice) {
  // Keyed by the choice: one process uses one choice, but tests of this function need not.
  static std::mutex mu;
  static std::map<std::string, Result<Runtime>, std::less<>> detected;
  std::lock_guard<std::mutex> lock(mu);
  auto it = detected.find(choice);
  if (it == detected.end()) it = detected.emplace(std::string(choice), detect_runtime(choice, system_probe)).first;
  return it->second;
}

bool supports_keep_id_mapping(const Runtime& rt) {
  if (rt.name != "podman" || !rt.rootless) return false;
  // "4.3.1", "5.0.0-dev": major.minor from the leading digits.
  int major = 0, minor = 0;
  const char* p = rt.version.data();
  const char* end = p + rt.version.size();
  auto [after_major, ec1] = std::from_chars(p, end, major);
  if (ec1 != std::errc() || after_major == end || *after_major != '.') return false;
  auto [after_minor, ec2] = std::from_chars(after_major + 1, end, minor);
  (void)after_minor;
  if (ec2 != std::errc()) return false;
  return major > 4 || (major == 4 && minor >= 3);
}

}  // namespace tako::container
