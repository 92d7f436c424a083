#include "tako/proc/line_output.h"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace tako::proc {

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool write_line(int fd, std::string_view prefix, std::string_view line) {
  thread_local std::string buf;
  buf.clear();
  buf.reserve(prefix.size() + line.size() + 1);
  buf.append(prefix).append(line).push_back('\n');
  bool ok = write_all(fd, buf);
  if (buf.capacity() > (1u << 20)) std::string().swap(buf);  // don't pin huge buffers
  return ok;
}

}  // namespace tako::proc
