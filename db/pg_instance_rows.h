#pragma once
// Writing `instances` rows inside a caller's transaction; shared by the
// instance repository's create paths (single instances and replicas) and
// the backup repository's start of a backup.
#include <pqxx/pqxx>

#include "db/models.h"

namespace automat::db::pg {

// Inserts `instance` and its service status NEW inside transaction `t`.
void insert_instance(pqxx::transaction_base& t, const Instance& instance);
// Sets the live instance's task to `task` inside `t` when its current task
// is one of `allowed_tasks` (empty = any); false (nothing written) otherwise.
// Shared by every "start an operation on an instance" path.
bool claim_instance_task(pqxx::transaction_base& t, const std::string& instance_id,
                         const std::string& task, const std::vector<std::string>& allowed_tasks);

}  // namespace automat::db::pg
