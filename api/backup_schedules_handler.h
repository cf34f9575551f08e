#pragma once
// /v1.0/{tenant}/instances/{id}/backup_schedule: the instance's backup
// schedule (db/backup_schedule_repository.h), which the taskmanager's backup
// scheduler runs: a full backup every interval or once a day (UTC), the
// oldest scheduled backups beyond the retention deleted. Scoped to the
// tenant: another tenant's instance is a 404.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class BackupSchedulesHandler {
 public:
  explicit BackupSchedulesHandler(const ApiServices& services) : services_(services) {}
  // PUT {"backup_schedule": {"interval" | "daily_at", "retention"}} -> 200
  // {"backup_schedule": view}; sets or replaces it. The first backup runs
  // when the next slot begins. 400: a bad field, a cluster node, a
  // datastore without backups; 404: unknown instance.
  Response put(const RequestContext& ctx, const std::string& instance_id) const;
  // GET -> 200 {"backup_schedule": view}; 404 when the instance has none.
  Response show(const RequestContext& ctx, const std::string& instance_id) const;
  // DELETE -> 204; 404 when the instance has none.
  Response remove(const RequestContext& ctx, const std::string& instance_id) const;

 private:
  db::Instance find_instance(const RequestContext& ctx, const std::string& instance_id) const;
  const ApiServices& services_;
};

}  // namespace automat::api
