#pragma once
// Writing `instances` rows inside a caller's transaction; shared by the
// instance repository's create paths (single instances and replicas).
#include <pqxx/pqxx>

#include "db/models.h"

namespace automat::db::pg {

// Inserts `instance` and its service status NEW inside transaction `t`.
void insert_instance(pqxx::transaction_base& t, const Instance& instance);

}  // namespace automat::db::pg
