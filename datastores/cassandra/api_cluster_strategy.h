#pragma once
// Cassandra's cluster rules on the API side: every node has at least 1 GB
// of RAM; seeds one per rack, at most three per DC (common_topology.h), kept
// in each node's role (common_node_role.h); a shrink
// is refused when the shrink checks (common_shrink_checks.h) find it unsafe;
// its own action is cleanup (common_cluster_actions.h).
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
  // A node's zone is its rack; a node given none is in rack1.
  std::string zone_word() const override { return "rack"; }
  std::string default_zone() const override { return "rack1"; }
  // A new ring's seeds by plan_seeds (common_topology.h), every node in
  // dc1; nodes added to a running ring start as non-seeds.
  void assign_roles(const std::vector<db::Node>& existing,
                    std::vector<db::Node>& added) const override;
  // Seeds first, then the others.
  std::vector<std::string> node_order(const std::vector<db::Node>& nodes) const override;
  // 422 with shrink_refusal()'s message.
  void check_shrink(const db::Cluster& cluster,
                    const std::vector<std::string>& leaving) const override;
  // grow_disk_warnings() (common_shrink_checks.h) of the nodes' reports.
  std::vector<std::string> grow_warnings(const db::Cluster& cluster, size_t added,
                                         int volume_gb) const override;
  // 422 with rolling_restart_refusal()'s message.
  void check_rolling_restart(const db::Cluster& cluster, bool by_rack,
                             int concurrency) const override;
  // cleanup (common_cluster_actions.h).
  std::vector<std::string> own_actions() const override;
  bool supports_backups() const override { return true; }
  std::vector<api::BackedUpNode> backed_up_nodes(const db::Backup& backup) const override;
  // Refuses Cassandra's own keyspaces (common_system_keyspaces.h).
  void check_keyspace_backs_up(const std::string& entry, const std::string& field) const override;
  // ClusterBackupFacts.uploaded_bytes.
  std::optional<int64_t> uploaded_bytes(const db::Backup& backup) const override;
  // cleanup: every node in node_order; 422 unless every node is ACTIVE.
  api::OwnClusterAction plan_own_action(const std::string& name, const nlohmann::json& body,
                                        const db::Cluster& cluster) const override;
};

}  // namespace automat::datastores::cassandra
