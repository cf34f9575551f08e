#include "db/cluster_backup.h"

#include "automat/operations.pb.h"
#include "common/crypto.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "db/new_operation.h"

namespace automat::db {

std::optional<StartedBackup> start_cluster_backup(BackupRepository& backups, const Cluster& cluster,
                                                  const ClusterBackupRequest& request,
                                                  const QuotaValues& quota_defaults) {
  proto::ClusterBackupInput input;
  for (const auto& k : request.keyspaces) input.add_keyspaces(k);
  for (const auto& n : cluster.nodes) input.add_instance_ids(n.instance_id);
  input.set_max_bytes_per_second(request.max_bytes_per_second);

  StartedBackup started;
  Backup& b = started.backup;
  b.id = common::crypto::uuid4();
  b.tenant_id = cluster.tenant_id;
  b.name = request.name;
  b.description = request.description;
  b.cluster_id = cluster.id;
  b.scheduled = request.scheduled;
  b.datastore_version_id = cluster.datastore_version_id;
  b.location = "backups/" + b.id + "/";
  started.operation = new_operation(cluster.tenant_id, "backup.create", "backup", b.id);
  started.operation.input = common::proto_json::encode(input);
  b.operation_id = started.operation.id;
  if (!backups.create_for_cluster(b, common::cluster_task::kBackingUp,
                                  {common::cluster_task::kNone}, started.operation,
                                  quota_defaults)) {
    return std::nullopt;
  }
  return started;
}

}  // namespace automat::db
