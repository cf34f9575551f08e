#pragma once
// Whether an instance can be backed up at all, as POST /backups and PUT
// /instances/{id}/backup_schedule both ask it.
#include <string>

#include "api/services.h"
#include "db/models.h"

namespace automat::api {

// Throws common::Error(kBadRequest) saying why when `instance` is a
// cluster's node (its cluster is backed up instead) or runs a datastore
// whose strategy does not support backups.
void check_backs_up(const ApiServices& services, const db::Instance& instance);

// A keyspace ("ks") or table ("ks.table") a cluster backup or restore
// names: CQL's unquoted names, not one of Cassandra's own keyspaces.
// Throws common::Error(kBadRequest) naming `field` otherwise.
void check_backup_keyspace(const std::string& entry, const std::string& field);

}  // namespace automat::api
