// Writing whole lines to a descriptor with one write(2) each (REFERENCE.md §6.4 "<name> | <line>",
// §7.8 streaming), so lines from concurrent sources never interleave mid-line. For pipes
// a single write of <= PIPE_BUF bytes is atomic even against other processes; longer
// lines are still written by one call where the kernel allows (terminals, files).
#pragma once

#include <string_view>

namespace tako::proc {

// Writes all of `data` (retrying short writes and EINTR). False on error (e.g. EPIPE;
// SIGPIPE is ignored under InterruptGuard).
bool write_all(int fd, std::string_view data);

// Writes prefix + line + "\n" as one buffer. `line` must not contain its '\n'.
bool write_line(int fd, std::string_view prefix, std::string_view line);

}  // namespace tako::proc
