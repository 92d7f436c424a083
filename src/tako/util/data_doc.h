// Data documents (REFERENCE.md §8.2): JSON or YAML text turned into the value model
// shared by templates and CEL bindings — nlohmann::json whose objects keep
// sorted keys, integers as int64 (never uint64), other numbers as double.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tako/util/result.h"
#include "tako/yaml/document.h"

namespace tako::util {

// Parses `text` as JSON when it is valid JSON, else as YAML (core schema; the
// first document of the stream). Errors: "could not parse data file
// <name>:<line>:<col>: <detail>" for YAML syntax errors, NUL bytes and the
// resource limits of yaml::parse (nesting deeper than 256 levels, incl.
// self-referencing aliases; more than 1,000,000 nodes after alias expansion);
// "could not parse data file <name>: document nesting exceeds 256 levels" for
// JSON nested deeper than 256 arrays/objects.
Result<nlohmann::json> parse_data_document(std::string_view text, const std::string& name);

// Reads a data document from `path`, or from standard input when path is "-"
// (name "<stdin>"). Only regular files of at most 1 MiB (util/input_file.h).
// Read errors: "could not read data file: <reason>".
Result<nlohmann::json> load_data_document(const std::string& path);

// YAML core-schema conversion of one node of a parsed (hence bounded) document:
// plain scalars typed, quoted or `!!str` ones strings. A non-scalar or null
// mapping key becomes "" (JSON keys are strings); a repeated key keeps the last value.
nlohmann::json yaml_to_json(const yaml::Node& node);

// The typed value of one plain YAML scalar under the core schema.
nlohmann::json yaml_plain_scalar(const std::string& text);

// Converts uint64 numbers to int64 (or double when too large), recursively.
void normalize_numbers(nlohmann::json& value);

}  // namespace tako::util
