#include <functional>

#include "tako/tmpl/template.h"

namespace tako::tmpl {

size_t TemplateCache::KeyHash::operator()(const Key& k) const {
  size_t h1 = std::hash<std::string>{}(k.first);
  size_t h2 = std::hash<std::string>{}(k.second);
  return h2 ^ (h1 + 0x9e3779b97f4a7c15ULL + (h2 << 6) + (h2 >> 2));
}

TemplateCache::TemplateCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

Result<TemplatePtr> TemplateCache::get(std::string_view text, const std::string& name) {
  Key key{name, std::string(text)};
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = index_.find(key);
    if (it != index_.end()) {
      lru_.splice(lru_.begin(), lru_, it->second);
      ++hits_;
      return it->second->second;
    }
    ++misses_;
  }
  // Parse outside the lock; a concurrent parse of the same text is harmless.
  auto parsed = parse(text, name);
  if (!parsed) return parsed.error();
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find(key);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }
  lru_.emplace_front(key, *parsed);
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  return *parsed;
}

size_t TemplateCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

uint64_t TemplateCache::hits() const {
  std::lock_guard<std::mutex> lock(mu_);
  return hits_;
}

uint64_t TemplateCache::misses() const {
  std::lock_guard<std::mutex> lock(mu_);
  return misses_;
}

void TemplateCache::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  lru_.clear();
  index_.clear();
}

TemplateCache& default_cache() {
  static TemplateCache cache(2048);
  return cache;
}

Result<std::string> render(std::string_view text, const nlohmann::json& data, MissingKey mode, std::string name) {
  auto t = default_cache().get(text, name);
  if (!t) return t.error();
  return execute(**t, data, mode);
}

}  // namespace tako::tmpl
