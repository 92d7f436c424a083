// Conventions of REFERENCE.md §1.1 for errors, warnings and colour.
#pragma once

#include <string>
#include <string_view>

namespace tako::cli {

// Prints "Error: <message>" on stderr and returns 1.
int report_error(std::string_view message);
// Usage error: the error line plus "Run 'tako <command> --help' for usage."
int report_usage_error(std::string_view message, std::string_view command_path);
// "warning: <message>" on stderr.
void report_warning(std::string_view message);

// True when stdout is a terminal, NO_COLOR is unset/empty and --no-color is absent.
bool color_enabled(bool no_color_flag);

}  // namespace tako::cli
