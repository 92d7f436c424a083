#include "tako/deps/detect.h"

#include "tako/util/fs.h"

namespace tako::deps {

std::string_view ecosystem_name(Ecosystem e) {
  switch (e) {
    case Ecosystem::Go: return "go";
    case Ecosystem::Npm: return "npm";
    case Ecosystem::Maven: return "maven";
    case Ecosystem::Cargo: return "cargo";
    case Ecosystem::Pip: return "pip";
  }
  return "";
}

std::optional<Ecosystem> parse_ecosystem(std::string_view name) {
  for (Ecosystem e : kEcosystems) {
    if (ecosystem_name(e) == name) return e;
  }
  return std::nullopt;
}

std::string_view default_file(Ecosystem e) {
  switch (e) {
    case Ecosystem::Go: return "go.mod";
    case Ecosystem::Npm: return "package.json";
    case Ecosystem::Maven: return "pom.xml";
    case Ecosystem::Cargo: return "Cargo.toml";
    case Ecosystem::Pip: return "requirements.txt";
  }
  return "";
}

std::optional<Ecosystem> ecosystem_of_path(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  for (Ecosystem e : kEcosystems) {
    if (default_file(e) == base) return e;
  }
  if (base.size() > 4 && base.ends_with(".txt")) return Ecosystem::Pip;
  return std::nullopt;
}

std::optional<Ecosystem> detect_ecosystem(const std::string& dir) {
  for (Ecosystem e : kEcosystems) {
    if (util::is_file(dir + "/" + std::string(default_file(e)))) return e;
  }
  return std::nullopt;
}

std::optional<std::string_view> lock_tool(Ecosystem e) {
  switch (e) {
    case Ecosystem::Go: return "go";
    case Ecosystem::Npm: return "npm";
    case Ecosystem::Cargo: return "cargo";
    default: return std::nullopt;
  }
}

Result<Edit> update(Ecosystem e, std::string_view text, std::string_view name, std::string_view version) {
  switch (e) {
    case Ecosystem::Go: return update_go_mod(text, name, version);
    case Ecosystem::Npm: return update_package_json(text, name, version);
    case Ecosystem::Maven: return update_pom_xml(text, name, version);
    case Ecosystem::Cargo: return update_cargo_toml(text, name, version);
    case Ecosystem::Pip: return update_requirements_txt(text, name, version);
  }
  return Error{"unknown ecosystem"};
}

bool path_escapes(std::string_view path) {
  if (path.starts_with("/")) return true;
  size_t i = 0;
  while (i <= path.size()) {
    size_t slash = path.find('/', i);
    if (slash == std::string_view::npos) slash = path.size();
    if (path.substr(i, slash - i) == "..") return true;
    i = slash + 1;
  }
  return false;
}

}  // namespace tako::deps
