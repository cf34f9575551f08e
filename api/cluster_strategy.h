#pragma once
// A datastore's cluster rules, on the API side: what a cluster's nodes must
// be, where its seeds go, and when losing nodes is unsafe. Registered by
// manager name next to the DatastoreStrategy (datastores/api_registry.cc);
// a datastore without one does not build clusters.
#include <string>
#include <vector>

#include "db/models.h"

namespace automat::api {

class ClusterStrategy {
 public:
  virtual ~ClusterStrategy() = default;
  // Checks the flavor every node of a cluster of `version` shares; throws
  // common::Error(kBadRequest) naming `field` (e.g. "cluster.instances[0].flavorRef").
  virtual void validate_node_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                                    const std::string& field) const = 0;
  // The ids of the nodes that should be seeds of a cluster made of `nodes`
  // (ordinal order, with their current seed flags).
  virtual std::vector<std::string> place_seeds(const std::vector<db::Node>& nodes) const = 0;
  // Throws common::Error(kUnprocessable) with a message a user can act on
  // when removing the nodes `leaving` (instance ids, all nodes of `cluster`)
  // would be unsafe, judged from the nodes' heartbeat details.
  virtual void check_shrink(const db::Cluster& cluster,
                            const std::vector<std::string>& leaving) const = 0;
};

}  // namespace automat::api
