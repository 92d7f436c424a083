#include "tako/container/run_args.h"

#include <algorithm>
#include <charconv>
#include <cctype>
#include <string_view>

#include "tako/config/container_rules.h"

namespace tako::container {

std::string container_name(const std::string& run_id, const std::string& step_id) {
  return "tako-" + run_id + "-" + step_id;
}

std::string format_cpus(double cpus) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, cpus);
  if (ec != std::errc()) return std::to_string(cpus);
  return std::string(buf, end);
}

namespace {

void add_unique(std::vector<std::string>& caps, std::string cap) {
  if (std::find(caps.begin(), caps.end(), cap) == caps.end()) caps.push_back(std::move(cap));
}

}  // namespace

Result<std::vector<std::string>> build_run_args(const RunRequest& req) {
  if (auto e = config::check_image_name(req.image)) return Error{*e};
  const std::string profile = req.security_profile.empty() ? "strict" : req.security_profile;
  if (auto e = config::check_security_profile(profile)) return Error{*e};
  std::vector<std::string> add_caps;
  if (profile == "moderate") {
    for (const char* c : {"CHOWN", "SETUID", "SETGID"}) add_unique(add_caps, c);
  }
  for (const auto& c : req.capabilities) {
    if (auto e = config::check_capability(c)) return Error{*e};
    add_unique(add_caps, config::normalize_capability(c));
  }
  std::string network = req.network.value_or(profile == "minimal" ? "bridge" : "none");
  if (auto e = config::check_network(network)) return Error{*e};
  if (network == "default") network = "bridge";
  for (const auto& v : req.volumes) {
    if (auto e = config::check_volume_path("source", v.source)) return Error{*e};
    if (auto e = config::check_volume_path("destination", v.destination)) return Error{*e};
  }
  std::optional<std::string> cpus, memory;
  if (!req.cpu_limit.empty()) {
    auto c = config::parse_cpu_limit(req.cpu_limit);
    if (!c) return Error{"invalid cpu value: " + req.cpu_limit};
    cpus = format_cpus(*c);
  }
  if (!req.mem_limit.empty()) {
    auto m = config::parse_size_limit(req.mem_limit);
    if (!m) return Error{"invalid memory value: " + req.mem_limit};
    memory = std::to_string(*m);
  }
  // No runtime flag limits a container's writable layer portably: the value is checked only.
  if (!req.disk_limit.empty() && !config::parse_size_limit(req.disk_limit)) {
    return Error{"invalid disk value: " + req.disk_limit};
  }

  std::vector<std::string> a = {req.runtime.name, "run", "--rm", "--name", req.name, "--user", "1001:1001"};
  if (supports_keep_id_mapping(req.runtime)) {
    a.insert(a.end(), {"--userns", "keep-id:uid=1001,gid=1001"});
  }
  a.insert(a.end(), {"--read-only", "--tmpfs", "/tmp:rw,exec,mode=1777", "--security-opt", "no-new-privileges:true"});
  if (profile == "minimal") {
    a.insert(a.end(), {"--cap-drop", "NET_RAW", "--cap-drop", "SYS_ADMIN"});
  } else {
    a.insert(a.end(), {"--cap-drop", "ALL"});
  }
  for (const auto& c : add_caps) a.insert(a.end(), {"--cap-add", c});
  a.insert(a.end(), {"--network", network, "--workdir", "/workspace"});
  std::vector<std::string> names = req.env_names;
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  for (const auto& n : names) a.insert(a.end(), {"--env", n});
  a.insert(a.end(), {"--volume", req.checkout + ":/workspace", "--volume", req.step_tmp_dir + ":/tako"});
  for (const auto& v : req.volumes) {
    a.insert(a.end(), {"--volume", v.source + ":" + v.destination + (v.read_only ? ":ro" : "")});
  }
  if (cpus) a.insert(a.end(), {"--cpus", *cpus});
  if (memory) a.insert(a.end(), {"--memory", *memory});
  a.insert(a.end(), {req.image, "sh", "-c", req.command});
  return a;
}

std::string display_command(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) {
    if (!out.empty()) out += ' ';
    bool plain = !arg.empty() && std::all_of(arg.begin(), arg.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_./:=,@+%").find(c) != std::string_view::npos;
    });
    if (plain) {
      out += arg;
      continue;
    }
    out += '\'';
    for (char c : arg) {
      if (c == '\'') out += "'\\''";
      else out += c;
    }
    out += '\'';
  }
  return out;
}

}  // namespace tako::container
