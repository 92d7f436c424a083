// Placeholder: the config loader is being written.
#include "tako/config/loader.h"

namespace tako::config {

ValidationReport validate_file(const std::string& path) {
  ValidationReport r;
  r.load_error = "could not read config file: " + path + ": not implemented yet";
  return r;
}

Result<Config> load_file(const std::string& path) {
  return Error{"could not read config file: " + path + ": not implemented yet"};
}

}  // namespace tako::config
