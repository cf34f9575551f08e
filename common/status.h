#pragma once
// Service statuses (what the datastore says of itself), tasks (what the
// control plane is doing) and the status shown to users, derived from both.
#include <string>
#include <string_view>

namespace automat::common {

namespace service_status {
inline constexpr const char* kNew = "NEW";
inline constexpr const char* kBuilding = "BUILDING";
inline constexpr const char* kRunning = "RUNNING";
inline constexpr const char* kBlocked = "BLOCKED";
inline constexpr const char* kShutdown = "SHUTDOWN";
inline constexpr const char* kCrashed = "CRASHED";
inline constexpr const char* kFailed = "FAILED";
inline constexpr const char* kFailedTimeoutGuestagent = "FAILED_TIMEOUT_GUESTAGENT";
inline constexpr const char* kUnknown = "UNKNOWN";
// A datastore's degraded status (DatastoreReport.degraded_status: its
// server answers but the datastore cannot do its whole job, the status
// detail's "fault" says why) is the datastore's own word ending in this
// suffix, e.g. MySQL's REPLICATION_ERROR (datastores/mysql). Users see any
// of them as ERROR.
inline constexpr std::string_view kDegradedSuffix = "_ERROR";
// Whether `status` (a service status) is a datastore's degraded status.
bool is_degraded(std::string_view status);
}  // namespace service_status

namespace task {
inline constexpr const char* kNone = "NONE";
inline constexpr const char* kBuilding = "BUILDING";
inline constexpr const char* kDeleting = "DELETING";
inline constexpr const char* kBuildingError = "BUILDING_ERROR";
inline constexpr const char* kDetaching = "DETACHING";
inline constexpr const char* kPromoting = "PROMOTING";
inline constexpr const char* kEjecting = "EJECTING";
// A backup of the instance runs (its data is streamed to the backup storage).
inline constexpr const char* kBackup = "BACKUP";
// The instance's volume grows (online: the datastore keeps serving). Also
// the status users see meanwhile, as in Trove.
inline constexpr const char* kResize = "RESIZE";
}  // namespace task

// A cluster's task (what the control plane is doing to it). Every action
// starts only from kNone; its workflow sets kNone again when it ends.
namespace cluster_task {
inline constexpr const char* kNone = "NONE";
inline constexpr const char* kBuilding = "BUILDING";
inline constexpr const char* kGrowing = "GROWING";
inline constexpr const char* kShrinking = "SHRINKING";
inline constexpr const char* kReplacing = "REPLACING";
inline constexpr const char* kDeleting = "DELETING";
// A cluster backup runs (its snapshots, uploads and their clearing).
inline constexpr const char* kBackingUp = "BACKUP";
// A cluster backup's tables are loaded back in place.
inline constexpr const char* kRestoring = "RESTORING";
// Every node's volume grows, one node at a time (cluster.resize_volume).
inline constexpr const char* kResizingVolume = "RESIZING_VOLUME";
// Every node restarts onto a new flavor, a few at a time (cluster.resize_flavor).
inline constexpr const char* kResizing = "RESIZING";
}  // namespace cluster_task

// A cluster's status (what it is): set by the cluster workflows.
namespace cluster_status {
inline constexpr const char* kBuild = "BUILD";
inline constexpr const char* kActive = "ACTIVE";
inline constexpr const char* kError = "ERROR";
}  // namespace cluster_status

namespace op_state {
inline constexpr const char* kSubmitted = "SUBMITTED";
inline constexpr const char* kRunning = "RUNNING";
inline constexpr const char* kCompleted = "COMPLETED";
inline constexpr const char* kFailed = "FAILED";
}  // namespace op_state

// The status a user sees: BUILD, ACTIVE, BLOCKED, SHUTDOWN, ERROR, ...
std::string user_status(const std::string& task, const std::string& service_status);

}  // namespace automat::common
