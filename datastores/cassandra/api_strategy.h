#pragma once
// Cassandra's API face for single instances (POST /instances with datastore
// cassandra: a one-node, secured ring), on top of the generic checks of
// api/instance_request.h. The cluster rules are in api_cluster_strategy.h.
#include <string>

#include "api/datastore_strategy.h"
#include "db/models.h"

namespace automat::datastores::cassandra {

// Cassandra needs 1 GB of RAM, or the version's min_ram_mb when larger.
inline constexpr int kMinRamMb = 1024;

// Throws common::Error(kBadRequest) naming `field` when `flavor` has less
// RAM than a Cassandra node of `version` needs.
void check_node_ram(const db::Flavor& flavor, const db::DatastoreVersion& version,
                    const std::string& field);

// Refuses (common::Error kBadRequest, naming the field):
//  - a flavor below 1 GB of RAM (check_node_ram);
//  - databases (keyspaces) whose name is not 1..48 of [A-Za-z0-9_], or that
//    name Cassandra's own keyspaces (system, system_*), case-insensitively;
//  - users named "cassandra" (the default superuser, dropped on create).
class CassandraApiStrategy : public api::DatastoreStrategy {
 public:
  void validate_instance_create(const api::InstanceCreateRequest& request, const db::Flavor& flavor,
                                const db::DatastoreVersion& version) const override;
  // A node's RAM floor (check_node_ram), for a flavor resize.
  void validate_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                       const std::string& field) const override {
    check_node_ram(flavor, version, field);
  }
};

}  // namespace automat::datastores::cassandra
