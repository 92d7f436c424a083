#include "tako/config/container_rules.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "tako/util/strings.h"

namespace tako::config {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

// Docker path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)*
bool path_component(std::string_view s) {
  size_t i = 0;
  auto run = [&]() {
    size_t start = i;
    while (i < s.size() && lower_alnum(s[i])) ++i;
    return i > start;
  };
  if (!run()) return false;
  while (i < s.size()) {
    if (s[i] == '.') {
      ++i;
    } else if (s[i] == '_') {
      ++i;
      if (i < s.size() && s[i] == '_') ++i;
    } else if (s[i] == '-') {
      while (i < s.size() && s[i] == '-') ++i;
    } else {
      return false;
    }
    if (!run()) return false;
  }
  return true;
}

// Registry host: labels of [A-Za-z0-9-] separated by dots, optional :port.
bool registry_host(std::string_view s) {
  size_t colon = s.find(':');
  std::string_view host = s.substr(0, colon);
  if (colon != std::string_view::npos) {
    std::string_view port = s.substr(colon + 1);
    if (port.empty()) return false;
    for (char c : port) {
      if (c < '0' || c > '9') return false;
    }
  }
  if (host.empty()) return false;
  for (const auto& label : util::split(host, '.')) {
    if (label.empty() || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!alnum(c) && c != '-') return false;
    }
  }
  return true;
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// [\w][\w.-]{0,127}
bool tag_ok(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  for (size_t i = 0; i < t.size(); ++i) {
    char c = t[i];
    bool word = alnum(c) || c == '_';
    if (!word && (i == 0 || (c != '.' && c != '-'))) return false;
  }
  return true;
}

bool image_ok(std::string_view image) {
  if (image.empty() || image.find("..") != std::string_view::npos ||
      image.find('!') != std::string_view::npos) {
    return false;
  }
  std::string_view rest = image;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view digest = rest.substr(at + 1);
    rest = rest.substr(0, at);
    size_t c = digest.find(':');
    if (c == std::string_view::npos || c == 0) return false;
    for (char ch : digest.substr(0, c)) {
      if (!lower_alnum(ch) && ch != '+' && ch != '.' && ch != '_' && ch != '-') return false;
    }
    std::string_view hex = digest.substr(c + 1);
    if (!is_hex(hex) || hex.size() < 32) return false;
  }
  // The tag is after the last ':' that follows the last '/'.
  size_t slash = rest.rfind('/');
  size_t colon = rest.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    if (!tag_ok(rest.substr(colon + 1))) return false;
    rest = rest.substr(0, colon);
  }
  auto parts = util::split(rest, '/');
  size_t first = 0;
  if (parts.size() > 1) {
    const std::string& p0 = parts[0];
    bool looks_like_host = p0.find('.') != std::string::npos || p0.find(':') != std::string::npos ||
                           p0 == "localhost" || p0 != util::to_lower(p0);
    if (looks_like_host) {
      if (!registry_host(p0)) return false;
      first = 1;
    }
  }
  if (first >= parts.size()) return false;
  for (size_t i = first; i < parts.size(); ++i) {
    if (!path_component(parts[i])) return false;
  }
  return true;
}

constexpr std::string_view kCapabilities[] = {
    "AUDIT_CONTROL", "AUDIT_READ", "AUDIT_WRITE", "BLOCK_SUSPEND", "BPF", "CHECKPOINT_RESTORE",
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "IPC_LOCK", "IPC_OWNER",
    "KILL", "LEASE", "LINUX_IMMUTABLE", "MAC_ADMIN", "MAC_OVERRIDE", "MKNOD", "NET_ADMIN",
    "NET_BIND_SERVICE", "NET_BROADCAST", "NET_RAW", "PERFMON", "SETFCAP", "SETGID", "SETPCAP",
    "SETUID", "SYS_ADMIN", "SYS_BOOT", "SYS_CHROOT", "SYS_MODULE", "SYS_NICE", "SYS_PACCT",
    "SYS_PTRACE", "SYS_RAWIO", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "SYSLOG",
    "WAKE_ALARM",
};

// A non-negative decimal: digits with an optional fraction ("1", "1.5", ".5").
std::optional<double> parse_decimal(std::string_view s) {
  if (s.empty() || s.size() > 64) return std::nullopt;
  bool digits = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digits = true;
    } else if (c == '.' && !dot) {
      dot = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

}  // namespace

std::optional<std::string> check_image_name(std::string_view image) {
  if (image_ok(image)) return std::nullopt;
  return "invalid container image name: " + std::string(image);
}

std::optional<std::string> check_network(std::string_view n) {
  // none|host|bridge|default are special; other names follow Docker's rule
  // [A-Za-z0-9][A-Za-z0-9_.-]*.
  bool ok = !n.empty() && alnum(n[0]) && n.size() <= 128;
  for (char c : n) {
    if (!alnum(c) && c != '_' && c != '.' && c != '-') ok = false;
  }
  if (ok) return std::nullopt;
  return "invalid network name: " + std::string(n);
}

std::string normalize_capability(std::string_view cap) {
  std::string up = util::to_upper(cap);
  if (up.rfind("CAP_", 0) == 0) up.erase(0, 4);
  return up;
}

std::optional<std::string> check_capability(std::string_view cap) {
  std::string n = normalize_capability(cap);
  for (auto known : kCapabilities) {
    if (n == known) return std::nullopt;
  }
  return "invalid capability: " + std::string(cap);
}

std::optional<std::string> check_security_profile(std::string_view p) {
  if (p == "strict" || p == "moderate" || p == "minimal") return std::nullopt;
  return "invalid security profile: " + std::string(p);
}

std::optional<std::string> check_volume_path(std::string_view which, std::string_view path) {
  const std::string prefix = "invalid volume " + std::string(which) + " path: ";
  if (path.empty() || path[0] != '/') {
    return prefix + "relative paths not allowed for volume mounts: " + std::string(path);
  }
  for (const auto& part : util::split(path, '/')) {
    if (part == "..") return prefix + "path traversal detected in volume path: " + std::string(path);
  }
  return std::nullopt;
}

std::optional<double> parse_cpu_limit(std::string_view v) {
  if (!v.empty() && v.back() == 'm') {
    auto milli = parse_decimal(v.substr(0, v.size() - 1));
    if (!milli || *milli <= 0) return std::nullopt;
    return *milli / 1000.0;
  }
  auto d = parse_decimal(v);
  if (!d || *d <= 0) return std::nullopt;
  return d;
}

std::optional<uint64_t> parse_size_limit(std::string_view v) {
  struct Suffix {
    std::string_view text;
    double factor;
  };
  // Longest suffix wins: check the three-letter ones first.
  static constexpr Suffix kSuffixes[] = {
      {"KiB", 1024.0}, {"MiB", 1024.0 * 1024}, {"GiB", 1024.0 * 1024 * 1024},
      {"KB", 1e3},     {"MB", 1e6},            {"GB", 1e9},
      {"Ki", 1024.0},  {"Mi", 1024.0 * 1024},  {"Gi", 1024.0 * 1024 * 1024},
      {"B", 1.0},
  };
  double factor = 1e6;  // no suffix = MB
  std::string_view number = v;
  for (const auto& s : kSuffixes) {
    if (v.size() > s.text.size() && v.substr(v.size() - s.text.size()) == s.text) {
      factor = s.factor;
      number = v.substr(0, v.size() - s.text.size());
      break;
    }
  }
  auto d = parse_decimal(number);
  if (!d || *d <= 0) return std::nullopt;
  double bytes = *d * factor;
  if (!std::isfinite(bytes) || bytes >= 1.8e19) return std::nullopt;
  return static_cast<uint64_t>(std::round(bytes));
}

}  // namespace tako::config
