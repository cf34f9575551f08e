#include "db/pg_backup_repository.h"
#include "db/pg_instance_rows.h"
#include "db/pg_operation_rows.h"
#include "db/pg_quota_rows.h"
#include "db/pg_support.h"

namespace automat::db {

namespace {

const std::string& backup_select() {
  static const std::string sql =
      "SELECT b.id, b.tenant_id, b.name, b.description, b.instance_id, b.cluster_id,"
      " b.parent_id, b.datastore_version_id, b.status, b.location, b.size, b.data_size,"
      " b.facts::text, b.fault, b.operation_id, " +
      pg::iso("b.created") + ", " + pg::iso("b.updated") +
      ", d.name, v.name, b.scheduled"
      " FROM backups b JOIN datastore_versions v ON v.id = b.datastore_version_id"
      " JOIN datastores d ON d.id = v.datastore_id";
  return sql;
}

Backup backup_from(const pqxx::row& r) {
  Backup b;
  b.id = r[0].as<std::string>();
  b.tenant_id = r[1].as<std::string>();
  b.name = r[2].as<std::string>();
  b.description = r[3].as<std::string>();
  b.instance_id = pg::opt_text(r[4]);
  b.cluster_id = pg::opt_text(r[5]);
  b.parent_id = pg::opt_text(r[6]);
  b.datastore_version_id = r[7].as<std::string>();
  b.status = r[8].as<std::string>();
  b.location = r[9].as<std::string>();
  b.size = r[10].as<int64_t>();
  b.data_size = r[11].as<int64_t>();
  b.facts = nlohmann::json::parse(r[12].as<std::string>());
  b.fault = pg::opt_text(r[13]);
  b.operation_id = r[14].as<std::string>();
  b.created = r[15].as<std::string>();
  b.updated = r[16].as<std::string>();
  b.datastore_name = r[17].as<std::string>();
  b.datastore_version_name = r[18].as<std::string>();
  b.scheduled = r[19].as<bool>();
  return b;
}

std::vector<Backup> backups_from(const pqxx::result& rows) {
  std::vector<Backup> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(backup_from(r));
  return out;
}

std::vector<std::string> ids_from(const pqxx::result& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(r[0].as<std::string>());
  return out;
}

}  // namespace

namespace {

void insert_backup(pqxx::work& t, const Backup& backup) {
  t.exec_params(
      "INSERT INTO backups (id, tenant_id, name, description, instance_id, cluster_id,"
      " parent_id, datastore_version_id, status, location, operation_id, scheduled)"
      " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
      backup.id, backup.tenant_id, backup.name, backup.description, backup.instance_id,
      backup.cluster_id, backup.parent_id, backup.datastore_version_id, backup.status,
      backup.location, backup.operation_id, backup.scheduled);
}

}  // namespace

bool PgBackupRepository::create_for_instance(const Backup& backup, const std::string& task,
                                             const std::vector<std::string>& allowed_tasks,
                                             const Operation& op,
                                             const QuotaValues& quota_defaults) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    if (!pg::claim_instance_task(t, backup.instance_id.value_or(""), task, allowed_tasks)) {
      return false;  // the transaction rolls back unwritten
    }
    // After the claim, as replicas and cluster grows take their locks.
    pg::charge_quota(t, backup.tenant_id, backup_charge(quota_defaults));
    insert_backup(t, backup);
    pg::insert_operation(t, op);
    t.commit();
    return true;
  });
}

bool PgBackupRepository::create_for_cluster(const Backup& backup, const std::string& task,
                                            const std::vector<std::string>& allowed_tasks,
                                            const Operation& op,
                                            const QuotaValues& quota_defaults) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    const auto claimed = t.exec_params(
        "UPDATE clusters SET task = $2, updated = now()"
        " WHERE id = $1 AND NOT deleted"
        " AND (cardinality($3::text[]) = 0 OR task = ANY($3::text[])) RETURNING id",
        backup.cluster_id.value_or(""), task, pg::text_array(allowed_tasks));
    if (claimed.empty()) return false;  // the transaction rolls back unwritten
    pg::charge_quota(t, backup.tenant_id, backup_charge(quota_defaults));
    insert_backup(t, backup);
    pg::insert_operation(t, op);
    t.commit();
    return true;
  });
}

std::optional<Backup> PgBackupRepository::find(const std::string& tenant_id,
                                               const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Backup> {
    pqxx::nontransaction t(c);
    auto r = t.exec_params(
        backup_select() + " WHERE b.id = $1 AND b.tenant_id = $2 AND NOT b.deleted", id, tenant_id);
    if (r.empty()) return std::nullopt;
    return backup_from(r[0]);
  });
}

std::optional<Backup> PgBackupRepository::find_any(const std::string& id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Backup> {
    pqxx::nontransaction t(c);
    auto r = t.exec_params(backup_select() + " WHERE b.id = $1 AND NOT b.deleted", id);
    if (r.empty()) return std::nullopt;
    return backup_from(r[0]);
  });
}

std::vector<Backup> PgBackupRepository::list(const std::string& tenant_id,
                                             const BackupFilter& filter) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    return backups_from(
        t.exec_params(backup_select() + " WHERE b.tenant_id = $1 AND NOT b.deleted"
                                        " AND ($2::text IS NULL OR b.instance_id = $2)"
                                        " AND ($3::text IS NULL OR b.cluster_id = $3)"
                                        " AND ($4::text IS NULL OR d.name = $4)"
                                        " ORDER BY b.created, b.id",
                      tenant_id, filter.instance_id, filter.cluster_id, filter.datastore));
  });
}

std::optional<Backup> PgBackupRepository::latest_completed(const std::string& instance_id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<Backup> {
    pqxx::nontransaction t(c);
    auto r = t.exec_params(backup_select() +
                               " WHERE b.instance_id = $1 AND b.status = 'COMPLETED'"
                               " AND NOT b.deleted ORDER BY b.created DESC, b.id DESC LIMIT 1",
                           instance_id);
    if (r.empty()) return std::nullopt;
    return backup_from(r[0]);
  });
}

BackupRepository::DeleteOutcome PgBackupRepository::start_delete(const std::string& id,
                                                                 const Operation& op) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    DeleteOutcome out;
    // The row lock serializes deletes of one backup, and a child's insert
    // (which references this row) waits for it.
    auto self =
        t.exec_params("SELECT id FROM backups WHERE id = $1 AND NOT deleted FOR UPDATE", id);
    if (self.empty()) return out;
    out.dependents.children = ids_from(t.exec_params(
        "SELECT id FROM backups WHERE parent_id = $1 AND NOT deleted ORDER BY created, id", id));
    // An instance or cluster being restored from it: its create operation's
    // input (proto::InstanceCreateInput or ClusterNodesInput, JSON mapping)
    // names the backup, and so does a cluster's in-place restore
    // (proto::ClusterRestoreInput).
    out.dependents.restores = ids_from(t.exec_params(
        "SELECT resource_id FROM operations WHERE state IN ('SUBMITTED', 'RUNNING') AND"
        " ((type IN ('instance.create', 'cluster.create') AND input->>'restore_backup_id' = $1)"
        " OR (type = 'cluster.restore' AND input->>'backup_id' = $1))"
        " ORDER BY created, id",
        id));
    if (!out.dependents.empty()) return out;
    auto busy = t.exec_params(
        "SELECT id FROM operations WHERE type = 'backup.delete' AND resource_id = $1"
        " AND state IN ('SUBMITTED', 'RUNNING')",
        id);
    if (!busy.empty()) return out;
    pg::insert_operation(t, op);
    t.commit();
    out.started = true;
    return out;
  });
}

void PgBackupRepository::set_status(const std::string& id, const std::string& status,
                                    const std::optional<std::string>& fault) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("UPDATE backups SET status = $2, fault = $3, updated = now() WHERE id = $1", id,
                  status, fault);
    t.commit();
  });
}

void PgBackupRepository::complete(const std::string& id, int64_t size, int64_t data_size,
                                  const nlohmann::json& facts) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "UPDATE backups SET status = 'COMPLETED', fault = NULL, size = $2, data_size = $3,"
        " facts = $4::jsonb, updated = now() WHERE id = $1",
        id, size, data_size, facts.dump());
    t.commit();
  });
}

void PgBackupRepository::mark_deleted(const std::string& id) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params("UPDATE backups SET deleted = true, updated = now() WHERE id = $1", id);
    t.commit();
  });
}

}  // namespace automat::db
