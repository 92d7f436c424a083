// Helpers: validate a tako.yml given as text and render findings as
// "<line>:<col>: <message>" for exact comparisons.
#pragma once

#include <string>
#include <vector>

#include "tako/config/loader.h"
#include "tako/util/fs.h"

namespace tako::config::testing {

class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text);
  const std::string& path() const { return path_; }

 private:
  util::TempDir dir_;
  std::string path_;
};

ValidationReport validate_text(const std::string& text);
// Errors / warnings as "<line>:<col>: <message>".
std::vector<std::string> errors_of(const std::string& text);
std::vector<std::string> warnings_of(const std::string& text);

// A valid document header + a workflow `w` whose steps are `steps_yaml`
// (already indented by 6 spaces, starting at line 5).
std::string with_steps(const std::string& steps_yaml);

}  // namespace tako::config::testing
