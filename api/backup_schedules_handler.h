#pragma once
// /v1.0/{tenant}/instances/{id}/backup_schedule and
// /v1.0/{tenant}/clusters/{id}/backup_schedule: the backup schedule of an
// instance or a cluster (db/backup_schedule_repository.h), which the
// taskmanager's backup scheduler runs: a full backup (a cluster's: of every
// keyspace) every interval or once a day (UTC), the oldest scheduled
// backups beyond the retention deleted. Scoped to the tenant: another
// tenant's instance or cluster is a 404.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"
#include "db/backup_schedule_repository.h"

namespace automat::api {

class BackupSchedulesHandler {
 public:
  explicit BackupSchedulesHandler(const ApiServices& services) : services_(services) {}
  // PUT {"backup_schedule": {"interval" | "daily_at", "retention"}} -> 200
  // {"backup_schedule": view}; sets or replaces the schedule of `target`.
  // The first backup runs when the next slot begins. 400: a bad field, a
  // cluster node, a datastore without backups (of its instances or of its
  // clusters); 404: unknown instance or cluster.
  Response put(const RequestContext& ctx, const db::BackupTarget& target) const;
  // GET -> 200 {"backup_schedule": view}; 404 when `target` has none.
  Response show(const RequestContext& ctx, const db::BackupTarget& target) const;
  // DELETE -> 204; 404 when `target` has none.
  Response remove(const RequestContext& ctx, const db::BackupTarget& target) const;

 private:
  // Throws 404 unless `target` is a live instance or cluster of the
  // caller's tenant; with `to_back_up`, 400 when it cannot be backed up.
  void check_target(const RequestContext& ctx, const db::BackupTarget& target,
                    bool to_back_up) const;
  const ApiServices& services_;
};

}  // namespace automat::api
