// The step-result cache (REFERENCE.md §7.13): <cache>/steps/<key>.json.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tako::engine {

struct CacheKeyInput {
  std::string repository, workflow, step_id, run, image;
  std::vector<std::pair<std::string, std::string>> env;  // rendered values; secrets by name
  std::string checkout;                                  // root of the globs
  std::vector<std::string> globs;
};

// Hex SHA-256 of the canonical JSON of the key fields and the sorted
// [relative path, SHA-256 of content] list of the matching files.
std::string compute_cache_key(const CacheKeyInput& in);

std::optional<std::map<std::string, std::string>> cache_lookup(const std::string& cache_dir, const std::string& key);
void cache_store(const std::string& cache_dir, const std::string& key,
                 const std::map<std::string, std::string>& outputs);

}  // namespace tako::engine
