#include "tako/engine/inputs.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <regex>

#include "tako/util/go_format.h"
#include "tako/util/strings.h"

namespace tako::engine {

namespace {

std::string number_text(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  return util::format_go_float(v.get<double>());
}

}  // namespace

Result<nlohmann::json> convert_input(const config::Input& input, const std::string& text) {
  if (input.type == "boolean") {
    if (util::iequals(text, "true")) return nlohmann::json(true);
    if (util::iequals(text, "false")) return nlohmann::json(false);
    return Error{"input '" + input.name + "' value '" + text + "' is not a valid boolean"};
  }
  if (input.type == "number") {
    static const std::regex kNumber("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
    if (!std::regex_match(text, kNumber)) {
      return Error{"input '" + input.name + "' value '" + text + "' is not a valid number"};
    }
    if (text.find_first_of(".eE") == std::string::npos) {
      errno = 0;
      long long v = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == 0) return nlohmann::json(static_cast<int64_t>(v));
    }
    double d = std::strtod(text.c_str(), nullptr);
    // 1e999 parses as +Inf, which no step could use and JSON cannot hold.
    if (!std::isfinite(d)) return Error{"input '" + input.name + "' value '" + text + "' is not a finite number"};
    return nlohmann::json(d);
  }
  return nlohmann::json(text);
}

Result<ResolvedInputs> resolve_inputs(const config::Workflow& workflow,
                                      const std::vector<std::pair<std::string, std::string>>& given_list) {
  std::map<std::string, std::string> given;
  for (const auto& [name, value] : given_list) given[name] = value;
  for (const auto& [name, value] : given) {
    bool declared = false;
    for (const auto& in : workflow.inputs) declared = declared || in.name == name;
    if (!declared) return Error{"unknown input '" + name + "' for workflow '" + workflow.name + "'"};
  }
  std::vector<const config::Input*> sorted;
  for (const auto& in : workflow.inputs) sorted.push_back(&in);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->name < b->name; });

  ResolvedInputs out;
  for (const config::Input* in : sorted) {
    auto it = given.find(in->name);
    if (it == given.end()) {
      if (in->required) return Error{"required input '" + in->name + "' not provided"};
      if (in->default_value) {
        out.values[in->name] = *in->default_value;
        out.texts[in->name] = in->default_text;
      }
      continue;
    }
    const std::string& text = it->second;
    auto value = convert_input(*in, text);
    if (!value) return value.error();
    if (!in->enum_values.empty()) {
      bool allowed = false;
      for (const auto& e : in->enum_values) allowed = allowed || e == text;
      if (!allowed) {
        return Error{"input '" + in->name + "' value '" + text + "' is not in allowed values [" +
                     util::join(in->enum_values, " ") + "]"};
      }
    }
    if (value->is_number()) {
      double v = value->get<double>();
      if (in->min && v < *in->min) {
        return Error{"input '" + in->name + "' value " + number_text(*value) + " is less than minimum " +
                     util::format_go_float(*in->min)};
      }
      if (in->max && v > *in->max) {
        return Error{"input '" + in->name + "' value " + number_text(*value) + " is greater than maximum " +
                     util::format_go_float(*in->max)};
      }
    }
    out.values[in->name] = std::move(*value);
    out.texts[in->name] = text;
  }
  return out;
}

std::string input_env_name(const std::string& input) {
  std::string out = "TAKO_INPUT_";
  for (char c : util::to_upper(input)) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace tako::engine
