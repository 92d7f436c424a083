#include "tako/cli/root_run.h"

#include "tako/store/query.h"
#include "tako/store/schema.h"

namespace tako::cli {

Result<store::Db> open_root_run(const std::string& home, const std::string& id,
                                const std::function<std::string(const std::string& root)>& child_hint) {
  auto db = store::open_existing_store(store::store_path(home));
  if (!db) return db.error();
  if (!*db) return fail("run '" + id + "' not found");
  auto root = store::root_run_id_of(**db, id);
  if (!root) return root.error();
  if (!*root) return fail("run '" + id + "' not found");
  if (**root != id) return fail("run '" + id + "' is a child run of " + **root + "; " + child_hint(**root));
  return std::move(**db);
}

}  // namespace tako::cli
