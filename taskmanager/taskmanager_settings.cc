#include "taskmanager/taskmanager_settings.h"

#include "common/error.h"

namespace automat::taskmanager {
namespace {

constexpr const char* kSection = "taskmanager";
constexpr long kDay = 86400;

void require_range(const char* key, long value, long min, long max) {
  if (value < min || value > max) {
    throw common::bad_request("[taskmanager] " + std::string(key) + " must be between " +
                              std::to_string(min) + " and " + std::to_string(max) + ", got " +
                              std::to_string(value));
  }
}

std::chrono::seconds seconds_of(const common::Config& cfg, const char* key,
                                std::chrono::seconds fallback) {
  return std::chrono::seconds(cfg.get_int(kSection, key, static_cast<int>(fallback.count())));
}

}  // namespace

TaskmanagerSettings TaskmanagerSettings::from(const common::Config& cfg) {
  TaskmanagerSettings s;
  s.database_url = cfg.get(kSection, "database_url");
  s.amqp_url = cfg.get(kSection, "amqp_url");
  s.workers = cfg.get_int(kSection, "workers", s.workers);
  s.db_pool_size = cfg.get_int(kSection, "db_pool_size", s.db_pool_size);
  s.lease = seconds_of(cfg, "lease_seconds", s.lease);
  s.resume_scan_interval = seconds_of(cfg, "resume_scan_seconds", s.resume_scan_interval);
  s.unclaimed_grace = seconds_of(cfg, "unclaimed_grace_seconds", s.unclaimed_grace);
  s.orphan_scan_interval = seconds_of(cfg, "orphan_scan_seconds", s.orphan_scan_interval);
  s.orphan_grace = seconds_of(cfg, "orphan_grace_seconds", s.orphan_grace);
  s.backup_schedule_scan_interval =
      seconds_of(cfg, "backup_schedule_scan_seconds", s.backup_schedule_scan_interval);

  if (s.database_url.empty()) throw common::bad_request("[DEFAULT] database_url is not set");
  if (s.amqp_url.empty()) throw common::bad_request("[DEFAULT] amqp_url is not set");
  require_range("workers", s.workers, 1, 256);
  require_range("db_pool_size", s.db_pool_size, 1, 1000);
  require_range("lease_seconds", s.lease.count(), 1, kDay);
  require_range("resume_scan_seconds", s.resume_scan_interval.count(), 1, kDay);
  require_range("unclaimed_grace_seconds", s.unclaimed_grace.count(), 0, kDay);
  require_range("orphan_scan_seconds", s.orphan_scan_interval.count(), 0, kDay);
  require_range("orphan_grace_seconds", s.orphan_grace.count(), 1, 365 * kDay);
  require_range("backup_schedule_scan_seconds", s.backup_schedule_scan_interval.count(), 0, 3600);
  s.quota_defaults = db::load_quota_limits(cfg);
  return s;
}

}  // namespace automat::taskmanager
