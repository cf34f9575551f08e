#include "taskmanager/backup_scheduler.h"

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "common/task_queue.h"
#include "common/text.h"
#include "db/cluster_backup.h"
#include "db/new_operation.h"

namespace automat::taskmanager {
BackupScheduler::BackupScheduler(db::BackupScheduleRepository& schedules,
                                 db::BackupRepository& backups, db::InstanceRepository& instances,
                                 db::ClusterRepository& clusters, common::Publisher& publisher,
                                 const common::Clock& clock, common::StopSignal& stop,
                                 std::chrono::seconds interval,
                                 const db::QuotaValues& quota_defaults)
    : schedules_(schedules),
      backups_(backups),
      instances_(instances),
      clusters_(clusters),
      publisher_(publisher),
      clock_(clock),
      stop_(stop),
      interval_(interval),
      quota_defaults_(quota_defaults) {}

void BackupScheduler::run() {
  while (!stop_.wait_for(interval_)) {
    try {
      scan_once();
    } catch (const std::exception& e) {
      common::log::warn("backup_schedule.scan_failed", {{"error", e.what()}});
    }
  }
}

BackupScheduler::Report BackupScheduler::scan_once() {
  Report report;
  const int64_t now = common::to_unix_seconds(clock_.now());
  for (const auto& schedule : schedules_.list_live()) {
    if (stop_.requested()) break;
    try {
      prune(schedule, report);
      start_due(schedule, now, report);
    } catch (const std::exception& e) {
      common::log::warn("backup_schedule.failed",
                        {{schedule.target.noun(), schedule.target.id}, {"error", e.what()}});
    }
  }
  return report;
}

void BackupScheduler::start_due(const db::BackupSchedule& schedule, int64_t now, Report& report) {
  const int64_t slot = schedule.slot_at(now);
  if (schedule.last_slot && *schedule.last_slot >= slot) return;  // not due
  if (!schedules_.claim_slot(schedule, slot)) return;             // another taskmanager has it
  const std::string slot_time = common::iso8601_utc(schedule.slot_start(slot));
  SlotStart outcome;
  try {
    outcome = schedule.target.is_cluster() ? start_cluster_backup(schedule, slot_time)
                                           : start_instance_backup(schedule, slot_time);
  } catch (const common::Error& e) {
    // The tenant's backups quota has no room (413): the slot is missed
    // with the quota's own words, not retried every scan.
    if (e.code() != common::ErrorCode::kOverLimit) throw;
    outcome = SlotStart::refused(e.what());
  }
  if (outcome.refusal) {
    skip(schedule, "the backup of " + slot_time + " was skipped: " + *outcome.refusal, report);
    return;
  }
  if (!outcome.started) return;  // deleted since the list: its schedule is over
  const db::StartedBackup& started = *outcome.started;
  schedules_.record_run(schedule.target, started.backup.id, std::nullopt);
  common::log::info("backup_schedule.backup_started", {{"tenant", schedule.tenant_id},
                                                       {schedule.target.noun(), schedule.target.id},
                                                       {"backup", started.backup.id},
                                                       {"op", started.operation.id},
                                                       {"slot", slot_time}});
  common::publish_task(publisher_, started.operation.id);
  report.started.push_back(started.backup.id);
}

BackupScheduler::SlotStart BackupScheduler::start_instance_backup(
    const db::BackupSchedule& schedule, const std::string& slot_time) {
  const auto instance = instances_.find_any(schedule.target.id);
  if (!instance) return {};
  const std::string needs = "; a backup needs it ACTIVE";
  if (instance->task != common::task::kNone ||
      instance->service_status != common::service_status::kRunning) {
    return SlotStart::refused("instance " + instance->id + " was " +
                              common::user_status(instance->task, instance->service_status) +
                              needs);
  }
  db::InstanceBackupRequest request;
  request.name = "scheduled " + slot_time;
  request.description = "started by the instance's backup schedule";
  request.scheduled = true;
  auto started = db::start_instance_backup(backups_, *instance, request, quota_defaults_);
  if (started) return SlotStart::of(std::move(*started));
  const auto now_instance = instances_.find_any(schedule.target.id);
  return SlotStart::refused("instance " + instance->id + " was " +
                            (now_instance ? now_instance->task : std::string("deleted")) + needs);
}

BackupScheduler::SlotStart BackupScheduler::start_cluster_backup(const db::BackupSchedule& schedule,
                                                                 const std::string& slot_time) {
  const auto cluster = clusters_.find_any(schedule.target.id);
  if (!cluster) return {};
  const std::string needs = "; a backup needs it ACTIVE and idle";
  if (cluster->status != common::cluster_status::kActive ||
      cluster->task != common::cluster_task::kNone) {
    return SlotStart::refused("cluster " + cluster->name + " was " + cluster->status + " (task " +
                              cluster->task + ")" + needs);
  }
  db::ClusterBackupRequest request;  // every keyspace
  request.name = "scheduled " + slot_time;
  request.description = "started by the cluster's backup schedule";
  request.scheduled = true;
  auto started = db::start_cluster_backup(backups_, *cluster, request, quota_defaults_);
  if (started) return SlotStart::of(std::move(*started));
  const auto now_cluster = clusters_.find_any(schedule.target.id);
  return SlotStart::refused(
      "cluster " + cluster->name + " was " +
      (now_cluster ? "busy (task " + now_cluster->task + ")" : std::string("deleted")) + needs);
}

void BackupScheduler::skip(const db::BackupSchedule& schedule, const std::string& why,
                           Report& report) {
  common::log::warn("backup_schedule.slot_skipped", {{"tenant", schedule.tenant_id},
                                                     {schedule.target.noun(), schedule.target.id},
                                                     {"reason", why}});
  schedules_.record_run(schedule.target, std::nullopt, why);
  report.skipped.push_back(schedule.target.id);
}

void BackupScheduler::prune(const db::BackupSchedule& schedule, Report& report) {
  db::BackupFilter filter;
  if (schedule.target.is_cluster()) {
    // Only an idle cluster's: a cluster restoring in place reads one of its
    // backups, and that read does not hold off the backup's delete.
    const auto cluster = clusters_.find_any(schedule.target.id);
    if (!cluster || cluster->task != common::cluster_task::kNone) return;
    filter.cluster_id = schedule.target.id;
  } else {
    filter.instance_id = schedule.target.id;
  }
  // Oldest first: the scheduled backups COMPLETED, and the FAILED ones (they
  // hold no object, their failure removed them).
  std::vector<db::Backup> scheduled;
  size_t completed = 0;
  for (auto& b : backups_.list(schedule.tenant_id, filter)) {
    if (!b.scheduled) continue;
    if (b.status == db::backup_status::kCompleted) ++completed;
    if (b.status == db::backup_status::kCompleted || b.status == db::backup_status::kFailed) {
      scheduled.push_back(std::move(b));
    }
  }
  const size_t retention = static_cast<size_t>(schedule.retention);
  // Deleted: the oldest COMPLETED beyond the retention, and every FAILED one
  // older than the newest COMPLETED (a later slot succeeded; the failure's
  // row has told what it had to).
  std::vector<const db::Backup*> doomed;
  size_t excess = completed > retention ? completed - retention : 0;
  size_t completed_seen = 0;
  for (const db::Backup& b : scheduled) {
    if (b.status == db::backup_status::kCompleted) {
      ++completed_seen;
      if (excess > 0) {
        doomed.push_back(&b);
        --excess;
      }
    } else if (completed_seen < completed) {
      doomed.push_back(&b);
    }
  }
  for (const db::Backup* doomed_backup : doomed) {
    const db::Backup& old = *doomed_backup;
    const db::Operation op =
        db::new_operation(schedule.tenant_id, "backup.delete", "backup", old.id);
    const auto outcome = backups_.start_delete(old.id, op);
    if (!outcome.dependents.empty()) {
      common::log::info(
          "backup_schedule.retention_kept",
          {{"tenant", schedule.tenant_id},
           {schedule.target.noun(), schedule.target.id},
           {"backup", old.id},
           {"incremental_children", common::joined(outcome.dependents.children, ",")},
           {"restoring_instances", common::joined(outcome.dependents.restores, ",")}});
      report.kept.push_back(old.id);
      continue;
    }
    if (!outcome.started) continue;  // its delete runs already
    common::log::info("backup_schedule.retention_delete",
                      {{"tenant", schedule.tenant_id},
                       {schedule.target.noun(), schedule.target.id},
                       {"backup", old.id},
                       {"op", op.id},
                       {"retention", std::to_string(retention)}});
    common::publish_task(publisher_, op.id);
    report.pruned.push_back(old.id);
  }
}

}  // namespace automat::taskmanager
