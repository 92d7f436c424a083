#include "tako/view/run_progress.h"

#include "tako/view/render.h"

namespace tako::view {

namespace {

// `head` then ", N failed" (red with colour), cut to `width`.
std::string with_failed(const std::string& head, int failed_count, int width, bool color) {
  std::string failed = failed_count > 0 ? ", " + std::to_string(failed_count) + " failed" : "";
  std::string plain = truncate_to_width(head + failed, width);
  // Colour only when nothing was cut: the failed count is the line's tail.
  if (!color || failed.empty() || plain != head + failed) return plain;
  return head + "\x1b[31m" + failed + "\x1b[0m";
}

std::string fraction(int done, int total) { return "[" + std::to_string(done) + "/" + std::to_string(total) + "] "; }

}  // namespace

std::string render_run_progress(const RunProgress& p, int width, bool color) {
  return with_failed(fraction(p.done, p.total) + std::to_string(p.running) + " running", p.failed, width, color);
}

std::string render_resolve_progress(const ResolveLine& p, int width, bool color) {
  std::string head = fraction(p.done, p.total) + "resolving repositories";
  if (!p.current.empty()) head += ": " + p.current;
  return with_failed(head, p.failed, width, color);
}

}  // namespace tako::view
