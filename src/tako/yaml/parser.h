// Parsing YAML text into a yaml::Document (document.h) with libfyaml, which
// conforms to YAML 1.2: every malformed document of the yaml-test-suite is
// rejected, every valid one accepted.
#pragma once

#include <string_view>

#include "tako/util/result.h"
#include "tako/yaml/document.h"

namespace tako::yaml {

struct ParseOptions {
  // Limits that keep every later recursive walk bounded: an alias is the node
  // it names, so a small text can describe a huge tree (alias bombs) or a
  // cyclic one (`a: &a [*a]`). Counted after alias expansion.
  int max_depth = 256;         // nesting levels below the root
  long max_nodes = 1'000'000;  // nodes (keys, values, items)
  // Report a repeated scalar mapping key (as libyaml / yaml.v3 do); when false
  // both pairs are kept and consumers decide (the last one usually wins).
  bool unique_keys = false;
  // Accept NUL characters that escapes (`"\0"`, `"\x00"`, `"\u0000"`) put into
  // scalar content. A raw NUL byte in the text is always an error.
  bool allow_nul_in_scalars = true;
};

// Parses the whole stream (a syntax error in any document is reported) and
// returns its first document; an empty stream is a document whose root is null.
// Errors read "<line>:<col>: <message>" (1-based), with libfyaml's message for
// syntax errors and these of our own:
//   "NUL byte in YAML text is not allowed"
//   "invalid UTF-8 (byte 0x<hh>); YAML text must be UTF-8"
//   "NUL character (\0) in a scalar is not allowed"           (allow_nul_in_scalars = false)
//   "alias *<name> refers to an undefined anchor"
//   "document nesting exceeds <max_depth> levels (or an alias refers to itself)"
//   "document too large: more than <max_nodes> nodes after alias expansion"
//   "mapping key \"<k>\" already defined at line <n>"      (unique_keys, at the second key)
Result<Document> parse(std::string_view text, const ParseOptions& options = {});

}  // namespace tako::yaml
