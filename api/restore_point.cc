#include "api/restore_point.h"

#include "common/client_text.h"
#include "common/error.h"

namespace automat::api {

std::optional<db::Backup> resolve_restore_point(const nlohmann::json& instance_body,
                                                const CreatePlan& plan, const ApiServices& services,
                                                const std::string& tenant_id) {
  auto it = instance_body.find("restorePoint");
  if (it == instance_body.end() || it->is_null()) return std::nullopt;
  // The create's schema made it {"backupRef": "<backup id>"}.
  const std::string ref = it->at("backupRef").get<std::string>();
  if (!services.backups) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "backups are not available on this API server");
  }
  auto backup = services.backups->find(tenant_id, ref);
  if (!backup) {
    throw common::bad_request("instance.restorePoint.backupRef: backup " + common::excerpt(ref) +
                              " was not found");
  }
  if (backup->status != db::backup_status::kCompleted) {
    throw common::bad_request("instance.restorePoint.backupRef: backup " + backup->id + " is " +
                              backup->status + "; only a COMPLETED backup can be restored");
  }
  if (backup->cluster_id) {
    throw common::bad_request("instance.restorePoint.backupRef: backup " + backup->id +
                              " is a cluster backup; restore it with POST /clusters");
  }
  if (backup->datastore_name != plan.version.datastore_name) {
    throw common::bad_request("instance.restorePoint.backupRef: backup " + backup->id + " is a " +
                              backup->datastore_name + " backup; it cannot be restored into a " +
                              plan.version.datastore_name + " instance");
  }
  const int64_t volume_bytes = static_cast<int64_t>(plan.request.volume_size_gb) << 30;
  if (backup->data_size > volume_bytes) {
    const int64_t need_gb = (backup->data_size + (int64_t{1} << 30) - 1) >> 30;
    throw common::bad_request("instance.volume.size: backup " + backup->id + " holds " +
                              std::to_string(backup->data_size) + " bytes of data; a volume of " +
                              std::to_string(plan.request.volume_size_gb) +
                              " GB cannot hold it (use at least " + std::to_string(need_gb) + ")");
  }
  return backup;
}

}  // namespace automat::api
