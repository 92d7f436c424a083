// Step outputs (REFERENCE.md §7.5): from_stdout, from_stderr, from_file:<path>,
// from_env:<VAR> (the $TAKO_OUTPUT file) and templates.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tako/config/config.h"
#include "tako/util/result.h"

namespace tako::engine {

struct OutputSources {
  std::string checkout;     // the run's checkout directory
  std::string stdout_text;  // captured, raw
  std::string stderr_text;
  std::string output_file;  // $TAKO_OUTPUT
};

// Renders an output template given the outputs computed so far.
using OutputTemplateFn =
    std::function<Result<std::string>(const std::string& text, const nlohmann::json& outputs_so_far)>;

// Non-template sources first, then templates, each group in sorted key order.
Result<std::map<std::string, std::string>> compute_outputs(const std::vector<config::OutputSpec>& specs,
                                                           const OutputSources& sources,
                                                           const OutputTemplateFn& render);

// Parses a $TAKO_OUTPUT file: `KEY=VALUE` lines and `KEY<<DELIM` … `DELIM`
// blocks; the last assignment of a key wins.
std::map<std::string, std::string> parse_output_file(const std::string& text);

// True when `value` is a template source (contains "{{").
inline bool is_template_source(const std::string& value) { return value.find("{{") != std::string::npos; }

}  // namespace tako::engine
