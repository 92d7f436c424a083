// Fuzzes the run document model (REFERENCE.md §11.1): any JSON must convert to a
// document or give a clean error, never a crash, hang or sanitizer report; a document
// that converts renders (`tako status`) and round-trips through to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/state/liveness.h"
#include "tako/state/render.h"

using namespace tako::state;

namespace {

// nlohmann's parser recurses per level: inputs nested deeper than this are skipped.
constexpr int kMaxJsonNesting = 512;

bool nesting_within(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

void check_document(const StateDocument& doc) {
  RenderOptions opts;
  opts.now = *parse_time("2025-07-15T12:00:00Z");
  for (bool alive : {true, false}) {
    opts.owner_alive = alive;
    std::string tree = render_tree(doc, opts);
    if (tree.empty()) __builtin_trap();
    std::vector<ListRow> rows = {list_row(doc, alive)};
    sort_rows(rows);
    (void)render_table(rows);
    (void)rows_json(rows).dump();
  }
  (void)has_running_run(doc);
  auto back = document_from_json(to_json(doc));
  if (!back.ok()) __builtin_trap();  // what we export must convert back
  if (!(*back == doc)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!nesting_within(text, kMaxJsonNesting)) return 0;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  if (j.is_object()) j.erase("checksum");
  auto doc = document_from_json(j);
  if (doc.ok()) check_document(*doc);
  (void)run_from_json(j);
  (void)event_from_json(j);
  return 0;
}
