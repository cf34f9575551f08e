// PgInstanceRepository: the replication relations between instances. The
// source's row lock (SELECT ... FOR UPDATE) serializes creating replicas with
// deleting the source, so a delete never misses a replica created beside it.
#include <algorithm>

#include "common/status.h"
#include "db/pg_instance_rows.h"
#include "db/pg_operation_rows.h"
#include "db/pg_quota_rows.h"
#include "db/pg_repositories.h"
#include "db/pg_support.h"

namespace automat::db {

InstanceRepository::StartOutcome PgInstanceRepository::start_operation_unless_replicas(
    const std::string& instance_id, const std::string& task,
    const std::vector<std::string>& allowed_tasks, const Operation& op) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    StartOutcome out;
    auto row = t.exec_params("SELECT task FROM instances WHERE id = $1 AND NOT deleted FOR UPDATE",
                             instance_id);
    if (row.empty()) return out;
    // A new statement after the lock: it sees replicas committed while we waited.
    for (const auto& r : t.exec_params(
             "SELECT id FROM instances WHERE slave_of = $1 AND NOT deleted ORDER BY created, id",
             instance_id)) {
      out.live_replicas.push_back(r[0].as<std::string>());
    }
    if (!out.live_replicas.empty()) return out;
    const std::string current = row[0][0].as<std::string>();
    if (!allowed_tasks.empty() &&
        std::find(allowed_tasks.begin(), allowed_tasks.end(), current) == allowed_tasks.end()) {
      return out;
    }
    t.exec_params("UPDATE instances SET task = $2, updated = now() WHERE id = $1", instance_id,
                  task);
    pg::insert_operation(t, op);
    t.commit();
    out.started = true;
    return out;
  });
}

bool PgInstanceRepository::create_replicas(
    const std::string& master_id, const std::vector<std::pair<Instance, Operation>>& replicas,
    const QuotaCharge& quota) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    auto row = t.exec_params(
        "SELECT 1 FROM instances WHERE id = $1 AND NOT deleted AND task = $2"
        " AND slave_of IS NULL FOR UPDATE",
        master_id, common::task::kNone);
    if (row.empty()) return false;
    if (!replicas.empty()) pg::charge_quota(t, replicas.front().first.tenant_id, quota);
    for (const auto& [instance, op] : replicas) {
      Instance replica = instance;
      replica.slave_of = master_id;
      pg::insert_instance(t, replica);
      pg::insert_operation(t, op);
    }
    t.commit();
    return true;
  });
}

void PgInstanceRepository::set_slave_of(const std::string& id,
                                        const std::optional<std::string>& master_id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    t.exec_params(
        "UPDATE instances SET slave_of = $2, updated = now() WHERE id = $1 AND NOT deleted", id,
        master_id);
  });
}

void PgInstanceRepository::switch_source(const std::string& old_master_id,
                                         const std::string& new_master_id, bool demote_old) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("UPDATE instances SET slave_of = NULL, updated = now() WHERE id = $1",
                  new_master_id);
    t.exec_params(
        "UPDATE instances SET slave_of = $2, updated = now()"
        " WHERE slave_of = $1 AND id <> $2 AND NOT deleted",
        old_master_id, new_master_id);
    t.exec_params(
        "UPDATE instances SET slave_of = CASE WHEN $3 THEN $2 ELSE NULL END, updated = now()"
        " WHERE id = $1 AND NOT deleted",
        old_master_id, new_master_id, demote_old);
    t.commit();
  });
}

}  // namespace automat::db
