#pragma once
// Whether an instance or a cluster can be backed up at all, as POST
// /backups, POST /clusters/{id}/backups and PUT .../backup_schedule ask it.
#include <string>

#include "api/services.h"
#include "db/models.h"

namespace automat::api {

// Throws common::Error(kBadRequest) saying why when `instance` is a
// cluster's node (its cluster is backed up instead) or runs a datastore
// whose strategy does not support backups.
void check_backs_up(const ApiServices& services, const db::Instance& instance);

// Throws common::Error(kBadRequest) saying why when `cluster` runs a
// datastore whose cluster strategy does not support backups; else answers
// that strategy.
const ClusterStrategy& check_backs_up(const ApiServices& services, const db::Cluster& cluster);

// The form of a keyspace ("ks") or table ("ks.table") a cluster backup or
// restore names: unquoted names of letters, digits and '_'. Throws
// common::Error(kBadRequest) naming `field` otherwise. Which keyspaces the
// datastore keeps for itself is ClusterStrategy::check_keyspace_backs_up.
void check_backup_keyspace(const std::string& entry, const std::string& field);

}  // namespace automat::api
