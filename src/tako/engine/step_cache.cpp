#include "tako/engine/step_cache.h"

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/util/fs.h"
#include "tako/util/glob.h"
#include "tako/util/sha256.h"

namespace tako::engine {

std::string compute_cache_key(const CacheKeyInput& in) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& rel : util::glob_files(in.checkout, in.globs)) {
    auto content = util::read_file(in.checkout + "/" + rel);
    files.push_back({rel, util::sha256_hex(content ? *content : std::string())});
  }
  nlohmann::json env = nlohmann::json::object();
  for (const auto& [k, v] : in.env) env[k] = v;
  nlohmann::json key = {{"repository", in.repository}, {"workflow", in.workflow}, {"step", in.step_id},
                        {"run", in.run},               {"image", in.image},       {"env", env},
                        {"files", files}};
  return util::sha256_hex(key.dump());
}

std::optional<std::map<std::string, std::string>> cache_lookup(const std::string& cache_dir, const std::string& key) {
  auto text = util::read_file(cache_dir + "/steps/" + key + ".json");
  if (!text) return std::nullopt;
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("outputs") || !j["outputs"].is_object()) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : j["outputs"].items()) {
    if (!v.is_string()) return std::nullopt;
    out[k] = v.get<std::string>();
  }
  return out;
}

void cache_store(const std::string& cache_dir, const std::string& key,
                 const std::map<std::string, std::string>& outputs) {
  if (!util::make_dirs(cache_dir + "/steps")) return;
  nlohmann::json j = {{"outputs", outputs}, {"created", state::format_time(state::now())}};
  (void)util::write_file_atomic(cache_dir + "/steps/" + key + ".json", j.dump(), 0600);
}

}  // namespace tako::engine
