// Small string helpers used across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tako::util {

std::string_view trim(std::string_view s);  // ASCII white space
std::string to_lower(std::string_view s);   // ASCII only
std::string to_upper(std::string_view s);   // ASCII only
bool iequals(std::string_view a, std::string_view b);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string replace_all(std::string_view s, std::string_view from, std::string_view to);

}  // namespace tako::util
