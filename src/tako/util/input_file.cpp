#include "tako/util/input_file.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tako/util/fs.h"

namespace tako::util {
namespace {

std::string limit_text(size_t max_bytes) {
  if (max_bytes % (size_t{1} << 20) == 0) return std::to_string(max_bytes >> 20) + " MiB";
  return std::to_string(max_bytes) + " bytes";
}

const char* file_kind(mode_t mode) {
  if (S_ISCHR(mode)) return "character device";
  if (S_ISBLK(mode)) return "block device";
  if (S_ISFIFO(mode)) return "FIFO";
  if (S_ISSOCK(mode)) return "socket";
  return "special file";
}

// Reads at most max_bytes + 1 bytes, so that a larger input is detected
// without reading it all. Returns false on a read error (errno set).
bool read_bounded(int fd, size_t max_bytes, std::string& out) {
  char buf[65536];
  while (out.size() <= max_bytes) {
    size_t want = std::min(sizeof buf, max_bytes + 1 - out.size());
    ssize_t n = ::read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

Result<std::string> read_input_file(const std::string& path, size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check
  // below refuses it before any read.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (!fd.valid()) {
    const int err = errno;
    // A socket cannot be opened at all (ENXIO): name what it is instead.
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
      return Error{"read " + path + ": is a " + file_kind(st.st_mode) + ", not a regular file"};
    }
    return Error{"open " + path + ": " + os_error_text(err)};
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Error{"read " + path + ": " + os_error_text(errno)};
  if (S_ISDIR(st.st_mode)) return Error{"read " + path + ": is a directory"};
  if (!S_ISREG(st.st_mode)) {
    return Error{"read " + path + ": is a " + file_kind(st.st_mode) + ", not a regular file"};
  }
  const std::string too_large = "read " + path + ": file is larger than the " + limit_text(max_bytes) + " limit";
  if (static_cast<unsigned long long>(st.st_size) > max_bytes) return Error{too_large};
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0) ::fcntl(fd.get(), F_SETFL, flags & ~O_NONBLOCK);
  std::string out;
  if (!read_bounded(fd.get(), max_bytes, out)) return Error{"read " + path + ": " + os_error_text(errno)};
  if (out.size() > max_bytes) return Error{too_large};  // grew while being read
  return out;
}

Result<std::string> read_input_stdin(size_t max_bytes) {
  std::string out;
  if (!read_bounded(STDIN_FILENO, max_bytes, out)) return Error{"read <stdin>: " + os_error_text(errno)};
  if (out.size() > max_bytes) {
    return Error{"read <stdin>: input is larger than the " + limit_text(max_bytes) + " limit"};
  }
  return out;
}

}  // namespace tako::util
