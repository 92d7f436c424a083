// Ecosystems of tako/update-dependency@v1 and how a dependency file is chosen (REFERENCE.md §13.3).
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "tako/deps/edit.h"

namespace tako::deps {

enum class Ecosystem { Go, Npm, Maven, Cargo, Pip };

// In auto-detection order: go.mod, package.json, pom.xml, Cargo.toml, requirements.txt.
inline constexpr std::array<Ecosystem, 5> kEcosystems = {Ecosystem::Go, Ecosystem::Npm, Ecosystem::Maven,
                                                         Ecosystem::Cargo, Ecosystem::Pip};

// "go", "npm", "maven", "cargo", "pip".
std::string_view ecosystem_name(Ecosystem e);
std::optional<Ecosystem> parse_ecosystem(std::string_view name);
// The file edited when `path` is not given: "go.mod", "package.json", "pom.xml", "Cargo.toml", "requirements.txt".
std::string_view default_file(Ecosystem e);
// The ecosystem of a `path` given without `ecosystem`, from its last component: the five
// default names, and any other "*.txt" (requirements-dev.txt, requirements/base.txt) for pip.
std::optional<Ecosystem> ecosystem_of_path(std::string_view path);
// The first default file that exists (a regular file, or a symlink to one) in `dir`.
std::optional<Ecosystem> detect_ecosystem(const std::string& dir);
// The lock-file tool ("go", "npm", "cargo"); nullopt for maven and pip, which have no lock file.
std::optional<std::string_view> lock_tool(Ecosystem e);

// Dispatches to the editor of `e`.
Result<Edit> update(Ecosystem e, std::string_view text, std::string_view name, std::string_view version);

// True when `path` is absolute or has a ".." component: it may name a file outside the checkout.
bool path_escapes(std::string_view path);

}  // namespace tako::deps
