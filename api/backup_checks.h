#pragma once
// Whether an instance can be backed up at all, as POST /backups and PUT
// /instances/{id}/backup_schedule both ask it.
#include "api/services.h"
#include "db/models.h"

namespace automat::api {

// Throws common::Error(kBadRequest) saying why when `instance` is a
// cluster's node (its cluster is backed up instead) or runs a datastore
// whose strategy does not support backups.
void check_backs_up(const ApiServices& services, const db::Instance& instance);

}  // namespace automat::api
