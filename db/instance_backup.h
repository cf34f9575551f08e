#pragma once
// Starting a backup of an instance, once its caller decided to: what POST
// /backups (api/backups_handler.h) and the backup scheduler
// (taskmanager/backup_scheduler.h) both do, so both write the same rows the
// same way. Either then publishes the operation's task
// (common/task_queue.h).
#include <optional>
#include <string>

#include "db/backup_repository.h"
#include "db/models.h"
#include "db/new_operation.h"

namespace automat::db {

struct InstanceBackupRequest {
  std::string name;
  std::string description;
  std::optional<std::string> parent_id;  // an incremental backup's base
  bool scheduled = false;                // started by the instance's schedule
};

struct StartedBackup {
  Backup backup;
  Operation operation;  // backup.create, SUBMITTED
};

// Stores a NEW backup of `instance` (its objects under "backups/<id>/") and
// its backup.create operation in the instance's tenant, and sets the
// instance's task to BACKUP: only while the instance is live and its task
// NONE (BackupRepository::create_for_instance). nullopt, nothing written,
// otherwise. Throws common::Error(kOverLimit), nothing written, when the
// tenant's backups quota (its own limit, else quota_defaults, the [quota]
// section) has no room for one more.
std::optional<StartedBackup> start_instance_backup(BackupRepository& backups,
                                                   const Instance& instance,
                                                   const InstanceBackupRequest& request,
                                                   const QuotaValues& quota_defaults);

}  // namespace automat::db
