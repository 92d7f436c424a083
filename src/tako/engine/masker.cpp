#include "tako/engine/masker.h"

#include <algorithm>

namespace tako::engine {

Masker::Masker(std::vector<std::string> secrets) {
  for (auto& s : secrets) add(s);
}

void Masker::add(const std::string& secret) {
  if (secret.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(secret);
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string Masker::mask(std::string_view text) const {
  if (secrets_.empty()) return std::string(text);
  // One left-to-right pass; at each position the longest matching secret wins,
  // so a secret containing another is masked whole.
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    bool matched = false;
    for (const auto& s : secrets_) {
      if (text.compare(i, s.size(), s) == 0) {
        out += "***";
        i += s.size();
        matched = true;
        break;
      }
    }
    if (!matched) out += text[i++];
  }
  return out;
}

}  // namespace tako::engine
