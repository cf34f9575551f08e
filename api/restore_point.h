#pragma once
// POST /instances with "restorePoint": {"backupRef": "<backup id>"} (Trove's
// form): the new instance is made from the backup's data, users and
// databases. Checked before anything is written.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/create_plan.h"
#include "api/services.h"

namespace automat::api {

// The backup `instance_body` (the "instance" object of a create its schema
// admitted) asks to restore, or nullopt when it names none. Throws
// common::Error(kBadRequest) naming restorePoint when the backup is unknown
// (or another tenant's), not COMPLETED, of another datastore, or holds more
// data than the volume (`plan.request.volume_size_gb`); kNotImplemented
// when this server keeps no backups.
std::optional<db::Backup> resolve_restore_point(const nlohmann::json& instance_body,
                                                const CreatePlan& plan, const ApiServices& services,
                                                const std::string& tenant_id);

}  // namespace automat::api
