#pragma once
// The PostgreSQL implementation of db::BackupScheduleRepository
// (db/backup_schedule_repository.h), over the backup_schedules table.
// Borrows connections from a ConnectionPool that must outlive it.
// Thread-safe.
#include "db/backup_schedule_repository.h"
#include "db/pool.h"

namespace automat::db {

class PgBackupScheduleRepository : public BackupScheduleRepository {
 public:
  explicit PgBackupScheduleRepository(ConnectionPool& pool) : pool_(pool) {}
  bool put(const BackupSchedule& schedule) override;
  std::optional<BackupSchedule> find(const std::string& tenant_id,
                                     const BackupTarget& target) override;
  bool remove(const std::string& tenant_id, const BackupTarget& target) override;
  std::vector<BackupSchedule> list_live() override;
  bool claim_slot(const BackupSchedule& as_read, int64_t slot) override;
  void record_run(const BackupTarget& target, const std::optional<std::string>& backup_id,
                  const std::optional<std::string>& error) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
