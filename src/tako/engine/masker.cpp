#include "tako/engine/masker.h"

#include <algorithm>

namespace tako::engine {

namespace {

std::string_view trim_space(std::string_view s) {
  const char* ws = " \t\r\n\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace

Masker::Masker(std::vector<std::string> secrets) {
  for (auto& s : secrets) add(s);
}

void Masker::add(const std::string& secret) {
  add_one(secret);
  if (secret.find_first_of("\r\n") == std::string::npos) return;
  // Lines are printed, logged and captured one at a time: each line of a multi-line
  // secret must be masked on its own too (the whole value still wins, longest first).
  size_t start = 0;
  while (start <= secret.size()) {
    size_t end = secret.find('\n', start);
    if (end == std::string::npos) end = secret.size();
    std::string_view line = trim_space(std::string_view(secret).substr(start, end - start));
    if (!line.empty()) add_one(std::string(line));
    start = end + 1;
  }
}

void Masker::add_one(std::string secret) {
  if (secret.empty()) return;
  if (std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end()) return;
  secrets_.push_back(std::move(secret));
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

void Masker::mask_json(nlohmann::json& value) const {
  if (secrets_.empty()) return;
  if (value.is_string()) {
    std::string& s = value.get_ref<std::string&>();
    s = mask(s);
  } else if (value.is_array()) {
    for (auto& e : value) mask_json(e);
  } else if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto& [k, v] : value.items()) {
      mask_json(v);
      out[mask(k)] = std::move(v);
    }
    value = std::move(out);
  }
}

}  // namespace tako::engine
