// libFuzzer entry: the input is the text of a tako.yml, loaded and validated
// through the config loader's public API only (validate_file + load_file), so
// the target keeps working whichever YAML parser sits behind the loader. Any
// crash, sanitizer report, hang or uncaught exception is a bug; a clean error
// is the expected answer to garbage.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "tako/config/loader.h"
#include "tako/util/fs.h"

namespace {

// One private directory per fuzzing process; the loader reads from a path.
const std::string& config_path() {
  static const tako::util::TempDir dir("tako-fuzz-config");
  static const std::string path = dir.path() + "/tako.yml";
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = config_path();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) __builtin_trap();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) __builtin_trap();
  std::fclose(f);

  tako::config::ValidationReport report = tako::config::validate_file(path);
  // Every diagnostic carries a position inside the file (1-based).
  for (const auto* list : {&report.errors, &report.warnings}) {
    for (const auto& d : *list) {
      if (d.line < 1 || d.column < 1 || d.message.empty()) __builtin_trap();
    }
  }
  auto loaded = tako::config::load_file(path);
  // load_file is validate_file's first error: both agree on success.
  bool report_ok = !report.load_error && report.errors.empty();
  if (loaded.ok() != report_ok) __builtin_trap();
  return 0;
}
