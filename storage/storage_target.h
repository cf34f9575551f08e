#pragma once
// The [backup_storage] settings as the guest receives them with a backup or
// restore call (proto::BackupStorageTarget, automat/backup.proto), and the
// driver a guest builds from them. The target holds the S3 secret: never
// log it or store it in an operation's record.
#include "automat/backup.pb.h"
#include "storage/backup_storage.h"
#include "storage/storage_settings.h"

namespace automat::storage {

proto::BackupStorageTarget to_target(const BackupStorageSettings& settings);

// The driver `target` names. Throws common::Error(kBadRequest) naming what
// is missing or unknown (never quoting the secret).
BackupStoragePtr make_backup_storage(const proto::BackupStorageTarget& target);

}  // namespace automat::storage
