#include "tako/view/run_progress.h"

#include "tako/view/render.h"

namespace tako::view {

std::string render_run_progress(const RunProgress& p, int width, bool color) {
  std::string counts = "[" + std::to_string(p.done) + "/" + std::to_string(p.total) + "] " +
                       std::to_string(p.running) + " running";
  std::string failed = p.failed > 0 ? ", " + std::to_string(p.failed) + " failed" : "";
  std::string plain = truncate_to_width(counts + failed, width);
  // Colour only when nothing was cut: the failed count is the line's tail.
  if (!color || failed.empty() || plain != counts + failed) return plain;
  return counts + "\x1b[31m" + failed + "\x1b[0m";
}

}  // namespace tako::view
