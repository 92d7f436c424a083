// tako(1), generated from the command table and the help texts (REFERENCE.md §1): printed by the
// hidden `tako __man`, which the build runs to write share/man/man1/tako.1.
#pragma once

#include <string>

namespace tako::cli {

// The man page in roff (man macros). `date` goes into the .TH line ("" leaves it out).
std::string man_page(const std::string& date);

// Text made safe for roff: backslashes doubled, a leading '.' or '\'' protected, '-' as \-.
std::string roff_escape(const std::string& text);

}  // namespace tako::cli
