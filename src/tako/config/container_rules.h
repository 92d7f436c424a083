// Container-related step fields (REFERENCE.md §12.2, §12.3): syntax checks shared by
// the loader and the container runner. Every check returns the exact message
// of the reference, or nothing when the value is valid.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace tako::config {

// `invalid container image name: <i>`
std::optional<std::string> check_image_name(std::string_view image);
// none|host|bridge|default|NAME; else `invalid network name: <n>`
std::optional<std::string> check_network(std::string_view network);
// A Linux capability, case-insensitive, optional CAP_ prefix; else `invalid capability: <c>`
std::optional<std::string> check_capability(std::string_view cap);
// The capability as passed to --cap-add: upper-cased, without CAP_.
std::string normalize_capability(std::string_view cap);
// strict|moderate|minimal; else `invalid security profile: <p>` (dev choice, docs/CONFIG.md)
std::optional<std::string> check_security_profile(std::string_view profile);
// Absolute and free of `..` components; `which` is "source" or "destination":
// `invalid volume <which> path: relative paths not allowed for volume mounts: <p>` /
// `invalid volume <which> path: path traversal detected in volume path: <p>`
std::optional<std::string> check_volume_path(std::string_view which, std::string_view path);

// `1.5` or millicores `500m` (→ 0.5); nullopt when invalid (`invalid cpu value: <v>`).
std::optional<double> parse_cpu_limit(std::string_view v);
// Number with optional suffix B, KB, MB, GB, Ki, Mi, Gi, KiB, MiB, GiB; no suffix = MB.
// Bytes; nullopt when invalid (`invalid memory value: <v>` / `invalid disk value: <v>`).
std::optional<uint64_t> parse_size_limit(std::string_view v);

}  // namespace tako::config
