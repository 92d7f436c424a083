#include "tako/config/loader.h"

#include <algorithm>
#include <exception>
#include <filesystem>

#include "tako/config/diagnostics.h"
#include "tako/config/reader.h"
#include "tako/config/yaml_doc.h"
#include "tako/util/input_file.h"

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
  const std::string path = absolute_clean(path_in);
  auto text = util::read_input_file(path);
  if (!text) {
    ValidationReport r;
    r.config.path = path;
    r.load_error = "could not read config file: " + text.error().message;
    return r;
  }
  return validate_string(path, *text);
}

ValidationReport validate_string(const std::string& path, std::string_view text) {
  ValidationReport r;
  r.config.path = path;
  auto doc = detail::parse_yaml(text, path);
  if (!doc) {
    r.load_error = doc.error().message;
    return r;
  }
  const yaml::Node root = doc->root();
  if (!root.is_mapping() && !root.is_null()) {
    Pos p = detail::pos_of(root);
    r.load_error = "could not unmarshal config: " + path + ":" + std::to_string(std::max(p.line, 1)) + ":" +
                   std::to_string(std::max(p.column, 1)) + ": expected a mapping at the top level, got a " +
                   detail::kind_name(root);
    return r;
  }
  detail::Diagnostics diag;
  try {
    detail::Reader reader(r.config, diag);
    reader.read_document(root);
  } catch (const std::exception& e) {
    // Defensive: nothing in the reader is expected to throw.
    diag.error(Pos{1, 1}, std::string("internal error while validating: ") + e.what());
  }
  r.errors = to_diagnostics(path, diag.errors());
  r.warnings = to_diagnostics(path, diag.warnings());
  return r;
}

namespace {

Result<Config> first_error(ValidationReport r) {
  if (r.load_error) return Error{*r.load_error};
  if (!r.errors.empty()) {
    const Diagnostic& d = r.errors.front();
    return Error{"failed to load config: " + d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) +
                 ": " + d.message};
  }
  return std::move(r.config);
}

}  // namespace

Result<Config> load_file(const std::string& path) { return first_error(validate_file(path)); }

Result<Config> load_string(const std::string& path, std::string_view text) {
  return first_error(validate_string(path, text));
}

}  // namespace tako::config
