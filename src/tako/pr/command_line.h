// A command line as a user would type it into sh, for the `$ git …` / `$ gh …` lines of a
// built-in step's log: words that need it are single-quoted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tako::pr {

// One word: unchanged when made only of [A-Za-z0-9_@%+=:,./-] (and non-empty), else in single
// quotes with each `'` written as `'\''`.
std::string shell_word(std::string_view word);
// The words joined by single spaces.
std::string shell_line(const std::vector<std::string>& words);

}  // namespace tako::pr
