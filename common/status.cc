#include "common/status.h"

namespace automat::common {

bool service_status::is_degraded(std::string_view status) {
  return status.size() > kDegradedSuffix.size() && status.ends_with(kDegradedSuffix);
}

std::string user_status(const std::string& task, const std::string& service) {
  namespace ss = service_status;
  if (task.find("ERROR") != std::string::npos) return "ERROR";
  if (service == ss::kFailed || service == ss::kFailedTimeoutGuestagent ||
      service == ss::kCrashed || ss::is_degraded(service)) {
    return "ERROR";
  }
  if (task == task::kBuilding) return "BUILD";
  if (task == task::kDeleting) return "SHUTDOWN";
  if (task == task::kDetaching) return "DETACH";
  if (task == task::kPromoting) return "PROMOTE";
  if (task == task::kEjecting) return "EJECT";
  if (task == task::kBackup) return "BACKUP";
  if (task == task::kResize) return "RESIZE";
  if (service == ss::kRunning) return "ACTIVE";
  if (service == ss::kNew || service == ss::kBuilding) return "BUILD";
  if (service.empty()) return "BUILD";
  return service;  // BLOCKED, SHUTDOWN, UNKNOWN, PROMOTING ...
}

}  // namespace automat::common
