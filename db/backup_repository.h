#pragma once
// Backups (Trove's /backups, issue 12): one row per backup of an instance
// or of a cluster, kept after the backup's operation expired. The
// objects themselves live in the backup storage (storage/backup_storage.h)
// under `location`; a row says whether they are whole (COMPLETED).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/models.h"
#include "db/quota.h"

namespace automat::db {

// NEW (accepted) -> BUILDING (the guest streams it) -> COMPLETED | FAILED;
// DELETE_FAILED when its objects could not be removed (a retried delete
// may go on).
namespace backup_status {
inline constexpr const char* kNew = "NEW";
inline constexpr const char* kBuilding = "BUILDING";
inline constexpr const char* kCompleted = "COMPLETED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kDeleteFailed = "DELETE_FAILED";
}  // namespace backup_status

struct Backup {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string description;
  std::optional<std::string> instance_id;
  std::optional<std::string> cluster_id;
  std::optional<std::string> parent_id;  // an incremental backup's base
  // Started by the instance's or cluster's backup schedule
  // (db/backup_schedule_repository.h); only these are pruned by its
  // retention.
  bool scheduled = false;
  std::string datastore_version_id;
  std::string status = backup_status::kNew;
  // The storage prefix of its objects ("backups/<id>/").
  std::string location;
  int64_t size = 0;       // bytes stored, once COMPLETED
  int64_t data_size = 0;  // bytes its data takes once restored
  // The datastore's facts from the manifest (MySQL: the LSNs), as
  // protobuf's JSON mapping of its own message; {} until COMPLETED.
  nlohmann::json facts = nlohmann::json::object();
  std::optional<std::string> fault;  // why it FAILED
  // The operation that made it (its progress and per-host errors).
  std::string operation_id;
  std::string created;
  std::string updated;
  // Joined for views.
  std::string datastore_name;
  std::string datastore_version_name;
};

struct BackupFilter {
  std::optional<std::string> instance_id;
  std::optional<std::string> cluster_id;
  std::optional<std::string> datastore;  // the datastore's name
};

class BackupRepository {
 public:
  virtual ~BackupRepository() = default;

  // In one transaction, only while the instance is live and its task one of
  // `allowed_tasks`: sets the instance's task to `task` (it is busy while
  // the backup runs), inserts `backup` (status NEW) and its operation.
  // False (nothing written) otherwise.
  // The backup counts as one of backup.tenant_id's backups quota
  // (db/quota.h): under the tenant's quota row lock, in the same
  // transaction, it is refused with common::Error(kOverLimit) naming the
  // quota, nothing written, when the tenant's live backups already reach its
  // limit (its own, else quota_defaults.backups; -1 is unlimited). A busy
  // instance answers false before the quota is looked at.
  virtual bool create_for_instance(const Backup& backup, const std::string& task,
                                   const std::vector<std::string>& allowed_tasks,
                                   const Operation& op, const QuotaValues& quota_defaults) = 0;
  // The same for a cluster backup: only while the cluster is live and its
  // task one of `allowed_tasks`, sets the cluster's task to `task` and
  // inserts `backup` (its cluster_id set) and `op`. False (nothing
  // written) otherwise; of concurrent callers exactly one wins. Charged to
  // the backups quota as create_for_instance is: one backup, whatever the
  // cluster's size.
  virtual bool create_for_cluster(const Backup& backup, const std::string& task,
                                  const std::vector<std::string>& allowed_tasks,
                                  const Operation& op, const QuotaValues& quota_defaults) = 0;
  // Live (not deleted) backups.
  virtual std::optional<Backup> find(const std::string& tenant_id, const std::string& id) = 0;
  virtual std::optional<Backup> find_any(const std::string& id) = 0;
  // `tenant_id`'s live backups that `filter` keeps, oldest first (created,
  // then id).
  virtual std::vector<Backup> list(const std::string& tenant_id, const BackupFilter& filter) = 0;
  // The newest COMPLETED live backup of the instance, if any.
  virtual std::optional<Backup> latest_completed(const std::string& instance_id) = 0;

  // Why `id` may not be deleted now: ids of the live backups whose parent
  // it is, and of the unfinished instance.create and cluster.create operations
  // restoring it.
  struct Dependents {
    std::vector<std::string> children;
    std::vector<std::string> restores;
    bool empty() const { return children.empty() && restores.empty(); }
  };
  // Inserts the delete operation `op` unless `id` has dependents (then
  // answers them, nothing written) or an unfinished backup.delete
  // (then answers started = false).
  struct DeleteOutcome {
    bool started = false;
    Dependents dependents;
  };
  virtual DeleteOutcome start_delete(const std::string& id, const Operation& op) = 0;

  virtual void set_status(const std::string& id, const std::string& status,
                          const std::optional<std::string>& fault) = 0;
  // COMPLETED with what its manifest says.
  virtual void complete(const std::string& id, int64_t size, int64_t data_size,
                        const nlohmann::json& facts) = 0;
  virtual void mark_deleted(const std::string& id) = 0;
};

}  // namespace automat::db
