#include "api/backup_schedules_handler.h"

#include "api/backup_checks.h"
#include "api/backup_schedule_request.h"
#include "api/responses.h"
#include "api/views.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/log.h"

namespace automat::api {
namespace {

using nlohmann::json;

json view(const db::BackupSchedule& s, int64_t now) {
  json out = {{std::string(s.target.noun()) + "_id", s.target.id}};
  if (s.interval_seconds) {
    out["interval"] = interval_text(*s.interval_seconds);
    out["interval_seconds"] = *s.interval_seconds;
  }
  if (s.daily_minute) out["daily_at"] = daily_text(*s.daily_minute);
  const int64_t next = s.last_slot ? s.slot_start(*s.last_slot + 1) : now;
  out["retention"] = s.retention;
  out["next_run"] = common::iso8601_utc(next);
  out["last_run"] = text_or_null(s.last_run);
  out["last_backup_id"] = text_or_null(s.last_backup_id);
  out["last_error"] = text_or_null(s.last_error);
  out["created"] = s.created;
  out["updated"] = s.updated;
  return {{"backup_schedule", out}};
}

common::Error no_schedule(const db::BackupTarget& target) {
  return common::not_found(std::string(target.noun()) + " " + target.id +
                           " has no backup schedule");
}

common::Error not_found(const db::BackupTarget& target) {
  return common::not_found(std::string(target.noun()) + " " + common::excerpt(target.id) +
                           " was not found");
}

// The body schema's operation in docs/openapi.yaml.
std::string schema_path(const db::BackupTarget& target) {
  return target.is_cluster() ? "/v1.0/{tenant_id}/clusters/{cluster_id}/backup_schedule"
                             : "/v1.0/{tenant_id}/instances/{instance_id}/backup_schedule";
}

}  // namespace

void BackupSchedulesHandler::check_target(const RequestContext& ctx, const db::BackupTarget& target,
                                          bool to_back_up) const {
  if (target.is_cluster()) {
    const auto cluster = services_.clusters->find(ctx.tenant_id(), target.id);
    if (!cluster) throw not_found(target);
    if (to_back_up) check_backs_up(services_, *cluster);
    return;
  }
  const auto instance = services_.instances->find(ctx.tenant_id(), target.id);
  if (!instance) throw not_found(target);
  if (to_back_up) check_backs_up(services_, *instance);
}

Response BackupSchedulesHandler::put(const RequestContext& ctx,
                                     const db::BackupTarget& target) const {
  const BackupScheduleRequest req = parse_backup_schedule(ctx.body(), schema_path(target));
  check_target(ctx, target, true);
  db::BackupSchedule schedule;
  schedule.target = target;
  schedule.tenant_id = ctx.tenant_id();
  schedule.interval_seconds = req.interval_seconds;
  schedule.daily_minute = req.daily_minute;
  schedule.retention = req.retention;
  const int64_t now = common::to_unix_seconds(services_.clock->now());
  // The slot it is set in has begun already: the first backup waits for
  // the next one.
  schedule.last_slot = schedule.slot_at(now);
  if (!services_.backup_schedules->put(schedule)) throw not_found(target);
  const auto stored = services_.backup_schedules->find(ctx.tenant_id(), target);
  if (!stored) throw no_schedule(target);
  common::log::info("backup_schedule.set",
                    {{"tenant", ctx.tenant_id()},
                     {target.noun(), target.id},
                     {"interval_seconds", std::to_string(req.interval_seconds.value_or(0))},
                     {"daily_minute", std::to_string(req.daily_minute.value_or(-1))},
                     {"retention", std::to_string(req.retention)}});
  return json_response(200, view(*stored, now));
}

Response BackupSchedulesHandler::show(const RequestContext& ctx,
                                      const db::BackupTarget& target) const {
  check_target(ctx, target, false);
  const auto schedule = services_.backup_schedules->find(ctx.tenant_id(), target);
  if (!schedule) throw no_schedule(target);
  return json_response(200, view(*schedule, common::to_unix_seconds(services_.clock->now())));
}

Response BackupSchedulesHandler::remove(const RequestContext& ctx,
                                        const db::BackupTarget& target) const {
  check_target(ctx, target, false);
  if (!services_.backup_schedules->remove(ctx.tenant_id(), target)) throw no_schedule(target);
  common::log::info("backup_schedule.cleared",
                    {{"tenant", ctx.tenant_id()}, {target.noun(), target.id}});
  Response cleared;
  cleared.status = 204;
  return cleared;
}

}  // namespace automat::api
