#pragma once
// --wait for backups: a backup has no operation to follow through
// GET /operations, so the waits poll GET /backups/<id> itself.
#include <nlohmann/json.hpp>
#include <string>

#include "cli/api_client.h"
#include "cli/session.h"

namespace automat::cli {

// Polls the backup until its status is COMPLETED (prints the backup, table
// or json; returns 0) or FAILED (prints "ERROR: backup <id> FAILED" and its
// errors on session.err; returns 1), showing its progress as a percentage.
// Still going at --timeout: says where it stood and returns 2.
int wait_for_backup(Session& session, ApiClient& api, const std::string& id);

// After DELETE /backups/<id> was accepted: polls until GET answers 404
// (prints "Backup <id> deleted."; returns 0) or the backup turns
// DELETE_FAILED (prints its errors; returns 1). `before` is the view from
// before the DELETE, so a DELETE_FAILED left by an earlier attempt is not
// taken for this one's. Still there at --timeout: returns 2.
int wait_for_backup_deleted(Session& session, ApiClient& api, const std::string& id,
                            const nlohmann::json& before);

}  // namespace automat::cli
