#pragma once
// The PostgreSQL implementation of db::BackupRepository
// (db/backup_repository.h), over the backups table. Borrows connections
// from a ConnectionPool that must outlive it. Thread-safe.
#include "db/backup_repository.h"
#include "db/pool.h"

namespace automat::db {

class PgBackupRepository : public BackupRepository {
 public:
  explicit PgBackupRepository(ConnectionPool& pool) : pool_(pool) {}
  bool create_for_instance(const Backup& backup, const std::string& task,
                           const std::vector<std::string>& allowed_tasks, const Operation& op,
                           const QuotaValues& quota_defaults) override;
  bool create_for_cluster(const Backup& backup, const std::string& task,
                          const std::vector<std::string>& allowed_tasks, const Operation& op,
                          const QuotaValues& quota_defaults) override;
  std::optional<Backup> find(const std::string& tenant_id, const std::string& id) override;
  std::optional<Backup> find_any(const std::string& id) override;
  std::vector<Backup> list(const std::string& tenant_id, const BackupFilter& filter) override;
  std::optional<Backup> latest_completed(const std::string& instance_id) override;
  DeleteOutcome start_delete(const std::string& id, const Operation& op) override;
  void set_status(const std::string& id, const std::string& status,
                  const std::optional<std::string>& fault) override;
  void complete(const std::string& id, int64_t size, int64_t data_size,
                const nlohmann::json& facts) override;
  void mark_deleted(const std::string& id) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace automat::db
