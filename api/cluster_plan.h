#pragma once
// Resolves cluster requests against the catalog and builds the rows the
// repository writes. Reads only; nothing is written.
#include <string>
#include <vector>

#include "api/cluster_request.h"
#include "api/services.h"
#include "db/models.h"

namespace automat::api {

// A cluster's datastore version and the rules of its manager.
struct ClusterTarget {
  db::DatastoreVersion version;
  const ClusterStrategy* strategy = nullptr;
};

// The datastore version a create names (its datastore's default when no
// version is given). Throws common::Error(kBadRequest) naming the field when
// the datastore or version is unknown or inactive, when its manager builds
// no clusters, or when the version is not enabled for clusters.
ClusterTarget resolve_cluster_target(const ClusterCreateRequest& req, const ApiServices& services);

// An existing cluster's version and rules. Throws kBadRequest when its
// version or manager has gone from the catalog.
ClusterTarget existing_cluster_target(const db::Cluster& cluster, const ApiServices& services);

// The one flavor every spec names (specs without a flavor_ref are skipped).
// Throws kBadRequest when a flavor is unknown or two specs name different
// flavors. `specs` must name at least one.
db::Flavor resolve_shared_flavor(const std::vector<NodeSpec>& specs,
                                 db::CatalogRepository& catalog);

// A new node of `cluster` (instance and nodes row): named
// "<cluster name>-<ordinal>", task BUILDING, in `zone` (its instance's
// availability zone too), type member, no role yet (ClusterStrategy).
db::Node make_node(const db::Cluster& cluster, int ordinal, const std::string& zone,
                   const std::string& flavor_id, int volume_size_gb);

// The zone of a new node without one: the cluster's only zone (the
// strategy's default_zone() for a cluster without nodes). Throws
// kBadRequest naming `field` when the cluster spans several zones.
std::string default_zone(const db::Cluster& cluster, const ClusterStrategy& strategy,
                         const std::string& field);

}  // namespace automat::api
