#include "tako/store/export.h"

#include "tako/store/query.h"

namespace tako::store {

Result<nlohmann::json> export_run_document(Db& db, const std::string& run_id) {
  auto doc = load_tree(db, run_id);
  if (!doc) return doc.error();
  return state::to_json(*doc);
}

Result<std::string> export_run_document_text(Db& db, const std::string& run_id) {
  auto j = export_run_document(db, run_id);
  if (!j) return j.error();
  // Invalid UTF-8 cannot reach the store through the journal; replace it rather than throw.
  return j->dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace tako::store
