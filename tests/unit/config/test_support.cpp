#include "test_support.h"

#include <cstdio>
#include <fstream>

namespace tako::config::testing {

ConfigFile::ConfigFile(const std::string& text) : dir_("tako-config-test") {
  path_ = dir_.path() + "/tako.yml";
  std::ofstream out(path_, std::ios::binary);
  out << text;
}

ValidationReport validate_text(const std::string& text) {
  ConfigFile f(text);
  return validate_file(f.path());
}

namespace {
std::vector<std::string> render(const std::vector<Diagnostic>& ds) {
  std::vector<std::string> out;
  for (const auto& d : ds) out.push_back(std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message);
  return out;
}
}  // namespace

std::vector<std::string> errors_of(const std::string& text) {
  auto r = validate_text(text);
  if (r.load_error) return {"LOAD: " + *r.load_error};
  return render(r.errors);
}

std::vector<std::string> warnings_of(const std::string& text) {
  auto r = validate_text(text);
  if (r.load_error) return {"LOAD: " + *r.load_error};
  return render(r.warnings);
}

std::string with_steps(const std::string& steps_yaml) {
  return "version: \"1\"\n"
         "workflows:\n"
         "  w:\n"
         "    steps:\n" +
         steps_yaml;
}

}  // namespace tako::config::testing
