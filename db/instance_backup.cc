#include "db/instance_backup.h"

#include "common/crypto.h"
#include "common/status.h"

namespace automat::db {

std::optional<StartedBackup> start_instance_backup(BackupRepository& backups,
                                                   const Instance& instance,
                                                   const InstanceBackupRequest& request,
                                                   const QuotaValues& quota_defaults) {
  StartedBackup started;
  Backup& b = started.backup;
  b.id = common::crypto::uuid4();
  b.tenant_id = instance.tenant_id;
  b.name = request.name;
  b.description = request.description;
  b.instance_id = instance.id;
  b.parent_id = request.parent_id;
  b.scheduled = request.scheduled;
  b.datastore_version_id = instance.datastore_version_id;
  b.location = "backups/" + b.id + "/";
  started.operation = new_operation(instance.tenant_id, "backup.create", "backup", b.id);
  b.operation_id = started.operation.id;
  if (!backups.create_for_instance(b, common::task::kBackup, {common::task::kNone},
                                   started.operation, quota_defaults)) {
    return std::nullopt;
  }
  return started;
}

}  // namespace automat::db
