#include "api/backup_schedule_request.h"

#include <cstdio>

#include "api/request_body.h"
#include "common/error.h"
#include "db/backup_schedule_repository.h"

namespace automat::api {
namespace {

using nlohmann::json;
using Schedule = db::BackupSchedule;

// The schema admitted an integer or 1 to 7 digits with an optional unit.
int64_t interval_seconds(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  const std::string text = v.get<std::string>();
  const char unit = text.back();
  const bool has_unit = unit < '0' || unit > '9';
  const int64_t n = std::stoll(has_unit ? text.substr(0, text.size() - 1) : text);
  switch (has_unit ? unit : 's') {
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * Schedule::kDaySeconds;
    default:
      return n;
  }
}

}  // namespace

BackupScheduleRequest parse_backup_schedule(const json& doc, const std::string& path) {
  body::check(Method::kPut, path, doc);
  const json& s = doc.at("backup_schedule");
  BackupScheduleRequest req;
  // The schema admits exactly one of interval and daily_at.
  const json* interval = body::member(s, "interval");
  if (interval) {
    req.interval_seconds = interval_seconds(*interval);
    if (*req.interval_seconds < Schedule::kMinIntervalSeconds ||
        *req.interval_seconds > Schedule::kMaxIntervalSeconds) {
      throw common::bad_request("backup_schedule.interval must be from 1h (3600 seconds) to 30d");
    }
  } else {
    const std::string daily_at = s.at("daily_at").get<std::string>();
    req.daily_minute = std::stoi(daily_at.substr(0, 2)) * 60 + std::stoi(daily_at.substr(3, 2));
  }
  req.retention = static_cast<int>(s.at("retention").get<int64_t>());
  return req;
}

std::string interval_text(int64_t seconds) {
  if (seconds % Schedule::kDaySeconds == 0) {
    return std::to_string(seconds / Schedule::kDaySeconds) + "d";
  }
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string daily_text(int minute) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60 % 24, minute % 60);
  return buf;
}

}  // namespace automat::api
