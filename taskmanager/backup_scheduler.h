#pragma once
// Runs the instances' and clusters' backup schedules
// (db/backup_schedule_repository.h): every [taskmanager]
// backup_schedule_scan_seconds, for each schedule of a live instance or
// cluster,
//   - retention: when it has more COMPLETED scheduled backups than its
//     retention, starts the delete of the oldest ones beyond it the way
//     DELETE /backups does (BackupRepository::start_delete plus the task); a
//     backup with incremental children or a restore running from it is kept
//     and logged. Scheduled FAILED backups older than the newest COMPLETED
//     one go the same way. Backups the tenant made by hand are never touched.
//     A cluster's are pruned only while its task is NONE (an in-place
//     restore may be reading one).
//   - due: when the slot the clock is in is newer than the last one claimed,
//     claims it (one taskmanager wins a slot, however many scan) and starts
//     a full backup the way POST /backups does (db::start_instance_backup
//     plus the task), or a cluster's backup of every keyspace the way POST
//     /clusters/{id}/backups does (db::start_cluster_backup plus the task).
//     An instance that is busy or not ACTIVE, a cluster that is not ACTIVE
//     or whose task is not NONE, or a tenant whose backups quota is used up
//     (db/quota.h), then misses that slot: a log line, and the reason in the
//     schedule's last_error.
// Missed slots (no taskmanager ran) are not made up: one backup, in the
// current slot. Several taskmanagers may scan at once.
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/broker.h"
#include "common/clock.h"
#include "common/stop_signal.h"
#include "db/backup_repository.h"
#include "db/backup_schedule_repository.h"
#include "db/instance_backup.h"
#include "db/quota.h"
#include "db/repositories.h"

namespace automat::taskmanager {

class BackupScheduler {
 public:
  // What one scan did, by id.
  struct Report {
    std::vector<std::string> started;  // backups started
    std::vector<std::string> skipped;  // instances and clusters whose slot started nothing
    std::vector<std::string> pruned;   // backups whose delete was started
    std::vector<std::string> kept;     // backups beyond retention kept (dependents)
  };

  // Every reference must outlive the scheduler. `quota_defaults` are the
  // [quota] limits of a tenant that has none of its own.
  BackupScheduler(db::BackupScheduleRepository& schedules, db::BackupRepository& backups,
                  db::InstanceRepository& instances, db::ClusterRepository& clusters,
                  common::Publisher& publisher, const common::Clock& clock,
                  common::StopSignal& stop, std::chrono::seconds interval,
                  const db::QuotaValues& quota_defaults);

  // Scans every interval until stop is requested. Never throws. Call from
  // one thread.
  void run();
  // One scan. A schedule whose rows cannot be read or written is logged and
  // left for the next scan; throws common::Error only when the schedules
  // themselves cannot be listed.
  Report scan_once();

 private:
  // What starting a claimed slot's backup did: started one, or refused
  // (why, as a user reads it), or neither (the target is gone: its
  // schedule is over).
  struct SlotStart {
    std::optional<db::StartedBackup> started;
    std::optional<std::string> refusal;

    static SlotStart of(db::StartedBackup backup) { return {std::move(backup), std::nullopt}; }
    static SlotStart refused(std::string why) { return {std::nullopt, std::move(why)}; }
  };

  void prune(const db::BackupSchedule& schedule, Report& report);
  void start_due(const db::BackupSchedule& schedule, int64_t now, Report& report);
  SlotStart start_instance_backup(const db::BackupSchedule& schedule, const std::string& slot_time);
  SlotStart start_cluster_backup(const db::BackupSchedule& schedule, const std::string& slot_time);
  void skip(const db::BackupSchedule& schedule, const std::string& why, Report& report);

  db::BackupScheduleRepository& schedules_;
  db::BackupRepository& backups_;
  db::InstanceRepository& instances_;
  db::ClusterRepository& clusters_;
  common::Publisher& publisher_;
  const common::Clock& clock_;
  common::StopSignal& stop_;
  const std::chrono::seconds interval_;
  const db::QuotaValues quota_defaults_;
};

}  // namespace automat::taskmanager
