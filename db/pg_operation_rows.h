#pragma once
// Reading and writing `operations` rows; shared by the operation and
// instance repositories (an instance change and its operation commit together).
#include <pqxx/pqxx>
#include <string>

#include "db/models.h"

namespace automat::db::pg {

// The select list operation_from() reads, over table alias o.
const std::string& operation_columns();
Operation operation_from(const pqxx::row& r);
// Inserts `op` (created/updated = now) inside transaction `t`.
void insert_operation(pqxx::transaction_base& t, const Operation& op);
// [{"host": ..., "message": ...}] <-> HostError.
nlohmann::json errors_json(const std::vector<HostError>& errors);

}  // namespace automat::db::pg
