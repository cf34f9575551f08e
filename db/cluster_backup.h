#pragma once
// Starting a backup of a cluster, once its caller decided to: what POST
// /clusters/{id}/backups (api/backups_handler.h) and the backup scheduler
// (taskmanager/backup_scheduler.h) both do, so both write the same rows the
// same way. Either then publishes the operation's task
// (common/task_queue.h).
#include <optional>
#include <string>
#include <vector>

#include "db/backup_repository.h"
#include "db/instance_backup.h"
#include "db/models.h"

namespace automat::db {

struct ClusterBackupRequest {
  std::string name;
  std::string description;
  // What to back up ("ks" or "ks.table", already checked); empty: every
  // keyspace.
  std::vector<std::string> keyspaces;
  bool scheduled = false;  // started by the cluster's schedule
};

// Stores a NEW backup of `cluster` (its objects under "backups/<id>/") and
// its backup.create operation in the cluster's tenant, whose input
// (proto::ClusterBackupInput) names the keyspaces and the cluster's live
// nodes as `cluster` holds them, and sets the cluster's task to BACKUP:
// only while the cluster is live and its task NONE
// (BackupRepository::create_for_cluster). nullopt, nothing written,
// otherwise.
std::optional<StartedBackup> start_cluster_backup(BackupRepository& backups, const Cluster& cluster,
                                                  const ClusterBackupRequest& request);

}  // namespace automat::db
