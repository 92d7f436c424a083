// Textual dependency-version editors of tako/update-dependency@v1 (REFERENCE.md §13.3).
//
// Each editor takes the whole text of one dependency file and returns the text with the
// version of dependency `name` replaced. Only the bytes of the version itself change:
// line endings (CRLF too), a missing final newline, indentation, comments and operators
// stay as they were. The editors are pure (no file system) so that they can be tested
// byte for byte; the engine (engine/update_dependency_step.cpp) reads and writes files.
#pragma once

#include <string>
#include <string_view>

#include "tako/util/result.h"

namespace tako::deps {

struct Edit {
  bool found = false;            // false: `name` is not a dependency of the file (text unchanged)
  std::string text;              // the new text (== input when !changed)
  std::string previous_version;  // the first occurrence's version, operator removed ("v1.2.0" for go)
  std::string version;           // what was written, operator removed ("v1.3.0" for go)
  bool changed = false;          // some byte differs
  int occurrences = 0;           // entries edited (an equal version counts)
};

// Errors are for files the editor cannot read (package.json that is not JSON); a file
// without the dependency is a successful Edit with found == false.
Result<Edit> update_go_mod(std::string_view text, std::string_view name, std::string_view version);
Result<Edit> update_package_json(std::string_view text, std::string_view name, std::string_view version);
Result<Edit> update_pom_xml(std::string_view text, std::string_view name, std::string_view version);
Result<Edit> update_cargo_toml(std::string_view text, std::string_view name, std::string_view version);
Result<Edit> update_requirements_txt(std::string_view text, std::string_view name, std::string_view version);

// PEP 503 name normalisation used by the requirements.txt editor: lowercase, runs of
// '-', '_' and '.' become one '-' ("Foo.Bar__baz" -> "foo-bar-baz").
std::string pep503_normalise(std::string_view name);

}  // namespace tako::deps
