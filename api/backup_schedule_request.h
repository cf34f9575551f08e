#pragma once
// The body of PUT /instances/{id}/backup_schedule and PUT
// /clusters/{id}/backup_schedule, and the texts a schedule's view shows its
// rule in.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace automat::api {

struct BackupScheduleRequest {
  // Exactly one of the two.
  std::optional<int64_t> interval_seconds;
  std::optional<int> daily_minute;  // minutes after 00:00 UTC
  int retention = 0;
};

// {"backup_schedule": {"interval": "6h" | "daily_at": "02:30", "retention":
// 7}}, once its schema (BackupScheduleRequest in docs/openapi.yaml, the body
// of PUT `path` as that file spells it) admitted it. `interval` is a number
// of seconds, or digits followed by s, m, h or d; 1h to 30d. Throws
// common::Error(kBadRequest) naming the field.
BackupScheduleRequest parse_backup_schedule(const nlohmann::json& doc, const std::string& path);

// "6h", "90m", "1d", "3601s": the largest unit that divides `seconds`.
std::string interval_text(int64_t seconds);
// "02:30" for 150.
std::string daily_text(int minute);

}  // namespace automat::api
