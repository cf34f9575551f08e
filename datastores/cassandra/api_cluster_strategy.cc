#include "datastores/cassandra/api_cluster_strategy.h"

#include "common/error.h"
#include "datastores/cassandra/api_strategy.h"

namespace automat::datastores::cassandra {

std::vector<SeedCandidate> seed_candidates(const std::vector<db::Node>& nodes) {
  std::vector<SeedCandidate> out;
  out.reserve(nodes.size());
  for (const auto& n : nodes) out.push_back({n.instance_id, n.dc, n.rack, n.seed});
  return out;
}

void CassandraClusterStrategy::validate_node_flavor(const db::Flavor& flavor,
                                                    const db::DatastoreVersion& version,
                                                    const std::string& field) const {
  check_node_ram(flavor, version, field);
}

std::vector<std::string> CassandraClusterStrategy::place_seeds(
    const std::vector<db::Node>& nodes) const {
  return plan_seeds(seed_candidates(nodes));
}

void CassandraClusterStrategy::check_shrink(const db::Cluster& cluster,
                                            const std::vector<std::string>& leaving) const {
  if (auto why = shrink_refusal(shrink_members(cluster.nodes), leaving)) {
    throw common::unprocessable("cannot shrink cluster " + cluster.name + ": " + *why);
  }
}

}  // namespace automat::datastores::cassandra
