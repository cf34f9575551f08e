#include "db/pg_backup_schedule_repository.h"
#include "db/pg_support.h"

namespace automat::db {

namespace {

const std::string& schedule_select() {
  static const std::string sql =
      "SELECT s.instance_id, s.tenant_id, s.interval_seconds, s.daily_minute, s.retention,"
      " s.last_slot, " +
      pg::iso("s.last_run") + ", s.last_backup_id, s.last_error, " + pg::iso("s.created") + ", " +
      pg::iso("s.updated") +
      " FROM backup_schedules s JOIN instances i ON i.id = s.instance_id AND NOT i.deleted";
  return sql;
}

BackupSchedule schedule_from(const pqxx::row& r) {
  BackupSchedule s;
  s.instance_id = r[0].as<std::string>();
  s.tenant_id = r[1].as<std::string>();
  if (!r[2].is_null()) s.interval_seconds = r[2].as<int64_t>();
  if (!r[3].is_null()) s.daily_minute = r[3].as<int>();
  s.retention = r[4].as<int>();
  if (!r[5].is_null()) s.last_slot = r[5].as<int64_t>();
  s.last_run = pg::opt_text(r[6]);
  s.last_backup_id = pg::opt_text(r[7]);
  s.last_error = pg::opt_text(r[8]);
  s.created = r[9].as<std::string>();
  s.updated = r[10].as<std::string>();
  return s;
}

}  // namespace

bool PgBackupScheduleRepository::put(const BackupSchedule& s) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    // The instance's row lock orders this against its delete.
    auto live = t.exec_params(
        "SELECT id FROM instances WHERE id = $1 AND tenant_id = $2 AND NOT deleted FOR UPDATE",
        s.instance_id, s.tenant_id);
    if (live.empty()) return false;
    t.exec_params(
        "INSERT INTO backup_schedules (instance_id, tenant_id, interval_seconds, daily_minute,"
        " retention, last_slot) VALUES ($1, $2, $3, $4, $5, $6)"
        " ON CONFLICT (instance_id) DO UPDATE SET interval_seconds = EXCLUDED.interval_seconds,"
        " daily_minute = EXCLUDED.daily_minute, retention = EXCLUDED.retention,"
        " last_slot = EXCLUDED.last_slot, last_error = NULL, updated = now()",
        s.instance_id, s.tenant_id, s.interval_seconds, s.daily_minute, s.retention, s.last_slot);
    t.commit();
    return true;
  });
}

std::optional<BackupSchedule> PgBackupScheduleRepository::find(const std::string& tenant_id,
                                                               const std::string& instance_id) {
  return pg::run(pool_, [&](pqxx::connection& c) -> std::optional<BackupSchedule> {
    pqxx::nontransaction t(c);
    auto r = t.exec_params(schedule_select() + " WHERE s.instance_id = $1 AND s.tenant_id = $2",
                           instance_id, tenant_id);
    if (r.empty()) return std::nullopt;
    return schedule_from(r[0]);
  });
}

bool PgBackupScheduleRepository::remove(const std::string& tenant_id,
                                        const std::string& instance_id) {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    auto r = t.exec_params(
        "DELETE FROM backup_schedules s USING instances i WHERE s.instance_id = $1"
        " AND s.tenant_id = $2 AND i.id = s.instance_id AND NOT i.deleted RETURNING s.instance_id",
        instance_id, tenant_id);
    t.commit();
    return !r.empty();
  });
}

std::vector<BackupSchedule> PgBackupScheduleRepository::list_live() {
  return pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::nontransaction t(c);
    std::vector<BackupSchedule> out;
    for (const auto& r : t.exec(schedule_select() + " ORDER BY s.instance_id")) {
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
        " WHERE instance_id = $1 AND (last_slot IS NULL OR last_slot < $2)"
        " AND interval_seconds IS NOT DISTINCT FROM $3 AND daily_minute IS NOT DISTINCT FROM $4"
        " RETURNING instance_id",
        as_read.instance_id, slot, as_read.interval_seconds, as_read.daily_minute);
    t.commit();
    return !r.empty();
  });
}

void PgBackupScheduleRepository::record_run(const std::string& instance_id,
                                            const std::optional<std::string>& backup_id,
                                            const std::optional<std::string>& error) {
  pg::run(pool_, [&](pqxx::connection& c) {
    pqxx::work t(c);
    t.exec_params(
        "UPDATE backup_schedules SET last_backup_id = COALESCE($2, last_backup_id),"
        " last_error = $3, updated = now() WHERE instance_id = $1",
        instance_id, backup_id, error);
    t.commit();
  });
}

}  // namespace automat::db
