#include "tako/config/loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>

#include "tako/config/diagnostics.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"
#include "tako/util/fs.h"

namespace tako::config {
namespace {

std::string absolute_clean(const std::string& path) {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::absolute(path, ec);
  if (ec) return path;
  std::string s = p.lexically_normal().string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

std::vector<Diagnostic> to_diagnostics(const std::string& file, const std::vector<detail::Finding>& findings) {
  std::vector<Diagnostic> out;
  out.reserve(findings.size());
  for (const auto& f : findings) {
    out.push_back(Diagnostic{file, std::max(f.pos.line, 1), std::max(f.pos.column, 1), f.message});
  }
  // File order; findings at the same position keep the order they were found in.
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return out;
}

}  // namespace

ValidationReport validate_file(const std::string& path_in) {
  ValidationReport r;
  const std::string path = absolute_clean(path_in);
  r.config.path = path;
  auto text = util::read_file(path);
  if (!text) {
    r.load_error = "could not read config file: " + text.error().message;
    return r;
  }
  auto root = detail::parse_yaml(*text, path);
  if (!root) {
    r.load_error = root.error().message;
    return r;
  }
  if (!root->IsMap() && !root->IsNull()) {
    Pos p = detail::pos_of(*root);
    r.load_error = "could not unmarshal config: " + path + ":" + std::to_string(std::max(p.line, 1)) + ":" +
                   std::to_string(std::max(p.column, 1)) + ": expected a mapping at the top level, got a " +
                   detail::kind_name(*root);
    return r;
  }
  detail::Diagnostics diag;
  try {
    detail::Reader reader(r.config, diag);
    reader.read_document(*root);
  } catch (const std::exception& e) {
    // Defensive: nothing in the reader is expected to throw.
    diag.error(Pos{1, 1}, std::string("internal error while validating: ") + e.what());
  }
  r.errors = to_diagnostics(path, diag.errors());
  r.warnings = to_diagnostics(path, diag.warnings());
  return r;
}

Result<Config> load_file(const std::string& path) {
  ValidationReport r = validate_file(path);
  if (r.load_error) return Error{*r.load_error};
  if (!r.errors.empty()) {
    const Diagnostic& d = r.errors.front();
    return Error{"failed to load config: " + d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) +
                 ": " + d.message};
  }
  return std::move(r.config);
}

}  // namespace tako::config
