#pragma once
// MySQL backups on the taskmanager's side (issue 12): the steps of
// backup.create and backup.delete, what a failed one leaves, and the
// restore chain a restoring instance.create hands its guest.
//
// backup.create: store-backup (the guest streams mariadb-backup to the
// storage as a job, the manifest last) -> record-backup (the manifest read
// back: COMPLETED with its size and LSNs; the instance ACTIVE again).
// backup.delete: remove-backup-objects -> mark-backup-deleted.
#include <google/protobuf/any.pb.h>

#include "taskmanager/workflow.h"

namespace automat::datastores::mysql {

void add_backup_create_steps(taskmanager::StepList& steps);
void add_backup_delete_steps(taskmanager::StepList& steps);

// A failed backup.create: the backup FAILED with `message`, its partial
// objects removed, its instance ACTIVE again. A failed backup.delete:
// DELETE_FAILED (a retried DELETE goes on). Idempotent.
void backup_operation_failed(taskmanager::Services& services, const db::Operation& op,
                             const std::string& message);

// PrepareRequest.settings of an instance.create: for one made from a
// backup (InstanceCreateInput.restore_backup_id), the storage and the
// backup's chain (the full backup first); empty otherwise. Throws
// common::Error(kConflict) when a backup of the chain is gone or not
// COMPLETED, kInternal when the taskmanager has no backup storage.
google::protobuf::Any restore_settings(taskmanager::StepContext& ctx);

}  // namespace automat::datastores::mysql
