#pragma once

namespace tako {
// "v<MAJOR>.<MINOR>.<PATCH>" (REFERENCE.md §1.2); also recorded in state files.
inline constexpr const char* kVersion = "v0.1.0";
}  // namespace tako
