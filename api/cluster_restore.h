#pragma once
// POST /clusters with "restore": a new cluster built from a cluster backup
// (issue 12, section 2). Reads only; the create writes.
#include <string>
#include <vector>

#include "api/cluster_plan.h"
#include "api/cluster_request.h"
#include "api/services.h"

namespace automat::api {

// Checks req.restore against the tenant's backups: a COMPLETED cluster
// backup of the target's datastore and version. Without nodes in `req`,
// fills them with the backup's: one per backed-up node, in its zone, its
// flavor, the largest of the nodes' volumes (at least what each held).
// With nodes, they must have the same number of nodes per zone as the
// backup (a node naming none is in the strategy's default_zone()).
// Answers, for each of req.nodes in order, the backed-up node it takes
// over (its zone's next one). Throws common::Error(kBadRequest)
// saying what differs, or what is wrong with the backup.
std::vector<std::string> plan_cluster_restore(ClusterCreateRequest& req,
                                              const ClusterTarget& target,
                                              const ApiServices& services,
                                              const std::string& tenant_id);

}  // namespace automat::api
