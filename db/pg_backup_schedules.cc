#include "db/pg_backup_schedule_repository.h"
#include "db/pg_support.h"

namespace automat::db {

namespace {

// The column naming a target of `kind`, and the table it references. Never
// the client's text: safe to splice into a statement.
std::string target_column(BackupTarget::Kind kind) {
  return kind == BackupTarget::Kind::kCluster ? "cluster_id" : "instance_id";
}
std::string target_table(BackupTarget::Kind kind) {
  return kind == BackupTarget::Kind::kCluster ? "clusters" : "instances";
}

// The schedules of live instances and clusters (each row references exactly
// one of the two), ending in a WHERE that more conditions may extend.
const std::string& live_schedule_select() {
  static const std::string sql =
      "SELECT s.instance_id, s.cluster_id, s.tenant_id, s.interval_seconds, s.daily_minute,"
      " s.retention, s.last_slot, " +
      pg::iso("s.last_run") + ", s.last_backup_id, s.last_error, " + pg::iso("s.created") + ", " +
      pg::iso("s.updated") +
      " FROM backup_schedules s LEFT JOIN instances i ON i.id = s.instance_id"
      " LEFT JOIN clusters c ON c.id = s.cluster_id"
      " WHERE ((i.id IS NOT NULL AND NOT i.deleted) OR (c.id IS NOT NULL AND NOT c.deleted))";
  return sql;
}

BackupSchedule schedule_from(const pqxx::row& r) {
  BackupSchedule s;
  s.target = r[1].is_null() ? BackupTarget::instance(r[0].as<std::string>())
                            : BackupTarget::cluster(r[1].as<std::string>());
  s.tenant_id = r[2].as<std::string>();
  if (!r[3].is_null()) s.interval_seconds = r[3].as<int64_t>();
  if (!r[4].is_null()) s.daily_minute = r[4].as<int>();
  s.retention = r[5].as<int>();
  if (!r[6].is_null()) s.last_slot = r[6].as<int64_t>();
  s.last_run = pg::opt_text(r[7]);
  s.last_backup_id = pg::opt_text(r[8]);
  s.last_error = pg::opt_text(r[9]);
  s.created = r[10].as<std::string>();
  s.updated = r[11].as<std::string>();
  return s;
}

}  // namespace

bool PgBackupScheduleRepository::put(const BackupSchedule& s) {
  const std::string column = target_column(s.target.kind);
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    // The instance's or cluster's row lock orders this against its delete.
    auto live = t.exec_params("SELECT id FROM " + target_table(s.target.kind) +
                                  " WHERE id = $1 AND tenant_id = $2 AND NOT deleted FOR UPDATE",
                              s.target.id, s.tenant_id);
    if (live.empty()) return false;
    t.exec_params("INSERT INTO backup_schedules (" + column +
                      ", tenant_id, interval_seconds, daily_minute, retention, last_slot)"
                      " VALUES ($1, $2, $3, $4, $5, $6)"
                      " ON CONFLICT (" +
                      column +
                      ") DO UPDATE SET interval_seconds = EXCLUDED.interval_seconds,"
                      " daily_minute = EXCLUDED.daily_minute, retention = EXCLUDED.retention,"
                      " last_slot = EXCLUDED.last_slot, last_error = NULL, updated = now()",
                  s.target.id, s.tenant_id, s.interval_seconds, s.daily_minute, s.retention,
                  s.last_slot);
    t.commit();
    return true;
  });
}

std::optional<BackupSchedule> PgBackupScheduleRepository::find(const std::string& tenant_id,
                                                               const BackupTarget& target) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<BackupSchedule> {
    pqxx::nontransaction t(c);
    auto r = t.exec_params(live_schedule_select() + " AND s." + target_column(target.kind) +
                               " = $1 AND s.tenant_id = $2",
                           target.id, tenant_id);
    if (r.empty()) return std::nullopt;
    return schedule_from(r[0]);
  });
}

bool PgBackupScheduleRepository::remove(const std::string& tenant_id, const BackupTarget& target) {
  const std::string column = target_column(target.kind);
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    auto r = t.exec_params("DELETE FROM backup_schedules s USING " + target_table(target.kind) +
                               " o WHERE s." + column + " = $1 AND s.tenant_id = $2 AND o.id = s." +
                               column + " AND NOT o.deleted RETURNING s.tenant_id",
                           target.id, tenant_id);
    t.commit();
    return !r.empty();
  });
}

std::vector<BackupSchedule> PgBackupScheduleRepository::list_live() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    std::vector<BackupSchedule> out;
    for (const auto& r :
         t.exec(live_schedule_select() + " ORDER BY s.cluster_id NULLS FIRST, s.instance_id")) {
      out.push_back(schedule_from(r));
    }
    return out;
  });
}

bool PgBackupScheduleRepository::claim_slot(const BackupSchedule& as_read, int64_t slot) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    // One statement: a concurrent claimer waits for this row's lock, then
    // re-checks last_slot and finds it raised.
    auto r = t.exec_params(
        "UPDATE backup_schedules SET last_slot = $2, last_run = now(), updated = now()"
        " WHERE " +
            target_column(as_read.target.kind) +
            " = $1 AND (last_slot IS NULL OR last_slot < $2)"
            " AND interval_seconds IS NOT DISTINCT FROM $3 AND daily_minute IS NOT DISTINCT FROM $4"
            " RETURNING tenant_id",
        as_read.target.id, slot, as_read.interval_seconds, as_read.daily_minute);
    t.commit();
    return !r.empty();
  });
}

void PgBackupScheduleRepository::record_run(const BackupTarget& target,
                                            const std::optional<std::string>& backup_id,
                                            const std::optional<std::string>& error) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "UPDATE backup_schedules SET last_backup_id = COALESCE($2, last_backup_id),"
        " last_error = $3, updated = now() WHERE " +
            target_column(target.kind) + " = $1",
        target.id, backup_id, error);
    t.commit();
  });
}

}  // namespace automat::db
