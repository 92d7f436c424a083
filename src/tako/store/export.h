// The run document (§11.1): the store's JSON export of one execution tree,
// printed by `tako status <run-id> --json`. It is built from the tables, never
// stored; its shape is state::to_json's (the checksum of the former state files
// is gone).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "tako/store/db.h"
#include "tako/util/result.h"

namespace tako::store {

// The document of root run `run_id`; `run '<id>' not found` for an unknown id.
Result<nlohmann::json> export_run_document(Db& db, const std::string& run_id);

// The printed form: UTF-8, 2-space indentation, sorted keys, final newline.
Result<std::string> export_run_document_text(Db& db, const std::string& run_id);

}  // namespace tako::store
