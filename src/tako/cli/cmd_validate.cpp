// `tako validate` (REFERENCE.md §1.3): validates the entry repository's tako.yml.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "tako/cli/commands.h"
#include "tako/cli/context.h"
#include "tako/cli/output.h"
#include "tako/config/injection_check.h"
#include "tako/config/loader.h"
#include "tako/repo/resolver.h"
#include "tako/repo/spec.h"
#include "tako/util/fs.h"

namespace tako::cli {
namespace {

void print(FILE* f, const std::string& s) {
  std::fwrite(s.data(), 1, s.size(), f);
}

// The entry directory (REFERENCE.md §3.1): --repo (resolved, cloned or updated like
// every other command; --local never touches the network), else --root, else
// the current directory.
Result<std::string> entry_directory(const Invocation& inv) {
  if (inv.global.repo) {
    auto spec = repo::parse_spec(*inv.global.repo);
    if (!spec) return spec.error();
    auto settings = settings_for(inv);
    if (!settings) return settings.error();
    repo::Resolver resolver(*settings);
    auto resolved = resolver.resolve(*spec, /*from_dependents=*/false, "");
    if (!resolved) return resolved.error();
    return resolved->path;
  }
  if (inv.global.root) {
    std::string root = *inv.global.root;
    if (root == "~" || root.rfind("~/", 0) == 0) {
      const char* home = std::getenv("HOME");
      if (home != nullptr && *home != '\0') root = std::string(home) + root.substr(1);
    }
    return root;  // made absolute and cleaned by the loader
  }
  // Like Go's os.Getwd: $PWD when it names the current directory, else getcwd.
  const char* pwd = std::getenv("PWD");
  struct stat a {}, b {};
  if (pwd != nullptr && pwd[0] == '/' && ::stat(pwd, &a) == 0 && ::stat(".", &b) == 0 && a.st_dev == b.st_dev &&
      a.st_ino == b.st_ino) {
    return std::string(pwd);
  }
  std::string buf(4096, '\0');
  if (::getcwd(buf.data(), buf.size()) == nullptr) {
    return Error{"TAKO_E003: could not determine current working directory - getwd: " + util::os_error_text(errno)};
  }
  return std::string(buf.c_str());
}

nlohmann::ordered_json diagnostics_json(const std::vector<config::Diagnostic>& ds) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& d : ds) {
    arr.push_back({{"file", d.file}, {"line", d.line}, {"column", d.column}, {"message", d.message}});
  }
  return arr;
}

std::string location(const config::Diagnostic& d) {
  return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
}

// Lints of validate only (not of every load): template injection (docs/TEMPLATES.md).
void add_injection_warnings(config::ValidationReport& report) {
  auto found = config::check_injection(report.config);
  if (found.empty()) return;
  for (auto& w : found) {
    report.warnings.push_back(
        {report.config.path, std::max(w.pos.line, 1), std::max(w.pos.column, 1), std::move(w.message)});
  }
  std::stable_sort(report.warnings.begin(), report.warnings.end(),
                   [](const config::Diagnostic& a, const config::Diagnostic& b) {
                     return a.line != b.line ? a.line < b.line : a.column < b.column;
                   });
}

}  // namespace

int cmd_validate(const Invocation& inv) {
  auto dir = entry_directory(inv);
  if (!dir) return report_error(dir.error().message);
  std::string path = *dir;
  if (path.empty() || path.back() != '/') path += '/';
  path += "tako.yml";

  config::ValidationReport report = config::validate_file(path);
  if (!report.load_error) add_injection_warnings(report);
  const bool valid = !report.load_error && report.errors.empty();

  if (inv.global.json) {
    nlohmann::ordered_json out;
    out["valid"] = valid;
    if (report.load_error) {
      // A load error has no schema position: line and column are 0.
      nlohmann::ordered_json arr = nlohmann::ordered_json::array();
      arr.push_back({{"file", report.config.path}, {"line", 0}, {"column", 0}, {"message", *report.load_error}});
      out["errors"] = arr;
    } else {
      out["errors"] = diagnostics_json(report.errors);
    }
    out["warnings"] = diagnostics_json(report.warnings);
    print(stdout, out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    std::fflush(stdout);
    if (report.load_error) return report_error(*report.load_error);
    return valid ? 0 : 1;
  }

  if (report.load_error) return report_error(*report.load_error);
  if (!report.errors.empty()) {
    std::string text;
    for (const auto& e : report.errors) text += location(e) + "\n";
    print(stderr, text);
    return report_error("validation failed with " + std::to_string(report.errors.size()) + " error(s)");
  }
  for (const auto& w : report.warnings) report_warning(location(w));
  print(stdout, "Validation successful!\n");
  return 0;
}

}  // namespace tako::cli
