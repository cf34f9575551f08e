#pragma once
// Cassandra's cluster rules on the API side: every node has at least 1 GB
// of RAM; seeds one per rack, at most three per DC (topology.h); a shrink
// is refused when the shrink checks (shrink_checks.h) find it unsafe.
#include <string>
#include <vector>

#include "api/cluster_strategy.h"
#include "datastores/cassandra/common_shrink_checks.h"
#include "datastores/cassandra/common_topology.h"

namespace automat::datastores::cassandra {

class CassandraClusterStrategy : public api::ClusterStrategy {
 public:
  void validate_node_flavor(const db::Flavor& flavor, const db::DatastoreVersion& version,
                            const std::string& field) const override;
  std::vector<std::string> place_seeds(const std::vector<db::Node>& nodes) const override;
  // 422 with shrink_refusal()'s message.
  void check_shrink(const db::Cluster& cluster,
                    const std::vector<std::string>& leaving) const override;
};

// The cluster's nodes as common_topology.h sees them (shrink_members, their
// shrink-check view, is in common_shrink_checks.h).
std::vector<SeedCandidate> seed_candidates(const std::vector<db::Node>& nodes);

}  // namespace automat::datastores::cassandra
