#include "tako/util/console.h"

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <mutex>

namespace tako::util {

namespace {
std::mutex g_mu;
std::shared_ptr<const ConsoleSink> g_sink;  // copied out under the mutex, called outside it
}  // namespace

void set_console_sink(ConsoleSink sink) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_sink = sink ? std::make_shared<const ConsoleSink>(std::move(sink)) : nullptr;
}

void write_fully(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    text.remove_prefix(size_t(n));
  }
}

void console_write(int fd, std::string_view text) {
  std::shared_ptr<const ConsoleSink> sink;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    sink = g_sink;
  }
  if (sink) (*sink)(fd, text);
  else write_fully(fd, text);
}

}  // namespace tako::util
