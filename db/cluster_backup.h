#pragma once
// Starting a backup of a cluster, once its caller decided to: what POST
// /clusters/{id}/backups (api/backups_handler.h) and the backup scheduler
// (taskmanager/backup_scheduler.h) both do, so both write the same rows the
// same way. Either then publishes the operation's task
// (common/task_queue.h).
#include <cstdint>
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
  int64_t max_bytes_per_second = 0;  // per node while storing; 0: no limit
  bool scheduled = false;            // started by the cluster's schedule
};

// Stores a NEW backup of `cluster` (its objects under "backups/<id>/") and
// its backup.create operation in the cluster's tenant, whose input
// (proto::ClusterBackupInput) names the keyspaces and the cluster's live
// nodes as `cluster` holds them, and sets the cluster's task to BACKUP:
// only while the cluster is live and its task NONE
// (BackupRepository::create_for_cluster). nullopt, nothing written,
// otherwise. Throws common::Error(kOverLimit), nothing written, when the
// tenant's backups quota (its own limit, else quota_defaults) has no room.
std::optional<StartedBackup> start_cluster_backup(BackupRepository& backups, const Cluster& cluster,
                                                  const ClusterBackupRequest& request,
                                                  const QuotaValues& quota_defaults);

}  // namespace automat::db
