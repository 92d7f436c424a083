// Fuzzes loading a state file (REFERENCE.md §11.2): a corrupt or hostile file must give a
// clean error, never a crash, hang or sanitizer report.
//
// Every input is used twice:
//  1. as file content, through the full integrity check (parse_state_text: size,
//     nesting, JSON, checksum, strict schema);
//  2. as a JSON document with the checksum ignored, so the fuzzer reaches the strict
//     converter, rendering and serialisation behind the checksum. For a document
//     that converts, the fast serialiser must produce the nlohmann bytes, and the
//     result must load back to an equal document.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tako/state/document.h"
#include "tako/state/liveness.h"
#include "tako/state/render.h"
#include "tako/state/store.h"

using namespace tako::state;

namespace {

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
  SerializedState fast = serialize_document_parts(doc);
  std::string slow = serialize_with_checksum(to_json(doc));
  if (fast.content != slow) __builtin_trap();  // fast serialiser disagrees with nlohmann
  auto back = parse_state_text(fast.content);
  if (!back.ok()) __builtin_trap();  // what we write must load
  if (!(back->doc == doc)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  // 1. The real load path.
  auto loaded = parse_state_text(text);
  if (loaded.ok()) check_document(loaded->doc);

  // 2. Behind the checksum.
  if (!json_nesting_within(text, kMaxJsonNesting)) return 0;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  if (j.is_object()) j.erase("checksum");
  auto doc = document_from_json(j);
  if (doc.ok()) check_document(*doc);
  (void)run_from_json(j);
  (void)event_from_json(j);
  return 0;
}
