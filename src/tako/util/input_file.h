// Reading user input files (tako.yml, `--data` documents) safely: only regular
// files, at most kMaxInputFileBytes. A device (`tako.yml -> /dev/zero`), FIFO,
// socket or directory is refused before any read, so it can neither exhaust
// memory nor block tako.
#pragma once

#include <cstddef>
#include <string>

#include "tako/util/result.h"

namespace tako::util {

// Largest accepted tako.yml or data document (1 MiB). Real files are a few KiB.
inline constexpr size_t kMaxInputFileBytes = size_t{1} << 20;

// Reads the regular file at `path` (symlinks followed). Errors:
//   "open <path>: <reason>"
//   "read <path>: is a directory"
//   "read <path>: is a <character device|block device|FIFO|socket>, not a regular file"
//   "read <path>: file is larger than the 1 MiB limit"
Result<std::string> read_input_file(const std::string& path, size_t max_bytes = kMaxInputFileBytes);

// Reads standard input to its end, at most `max_bytes`. Error:
//   "read <stdin>: input is larger than the 1 MiB limit"
Result<std::string> read_input_stdin(size_t max_bytes = kMaxInputFileBytes);

}  // namespace tako::util
