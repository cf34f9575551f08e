#include "datastores/cassandra/api_cluster_strategy.h"

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/proto_json.h"
#include "common/status.h"
#include "datastores/cassandra/api_strategy.h"
#include "datastores/cassandra/cassandra_guest.pb.h"
#include "datastores/cassandra/common_cluster_actions.h"
#include "datastores/cassandra/common_node_report.h"
#include "datastores/cassandra/common_node_role.h"
#include "datastores/cassandra/common_system_keyspaces.h"

namespace automat::datastores::cassandra {

void CassandraClusterStrategy::validate_node_flavor(const db::Flavor& flavor,
                                                    const db::DatastoreVersion& version,
                                                    const std::string& field) const {
  check_node_ram(flavor, version, field);
}

void CassandraClusterStrategy::assign_roles(const std::vector<db::Node>& existing,
                                            std::vector<db::Node>& added) const {
  for (auto& n : added) n.role = role_json(false, kDefaultDc);
  // Nodes join a running ring as non-seeds; the workflow moves the seeds
  // once they have joined (ReseedStep, workflow_cassandra_resize.cc).
  if (!existing.empty()) return;
  const auto roles = roles_with_seeds(added, plan_seeds(seed_candidates(added)));
  for (auto& n : added) n.role = roles.at(n.instance_id);
}

std::vector<std::string> CassandraClusterStrategy::node_order(
    const std::vector<db::Node>& nodes) const {
  const auto candidates = seed_candidates(nodes);
  std::vector<std::string> seeds;
  for (const auto& c : candidates) {
    if (c.seed) seeds.push_back(c.id);
  }
  return start_order(candidates, seeds);
}

void CassandraClusterStrategy::check_shrink(const db::Cluster& cluster,
                                            const std::vector<std::string>& leaving) const {
  if (auto why = shrink_refusal(shrink_members(cluster.nodes), leaving)) {
    throw common::unprocessable("cannot shrink cluster " + cluster.name + ": " + *why);
  }
}

std::vector<std::string> CassandraClusterStrategy::grow_warnings(const db::Cluster& cluster,
                                                                 size_t added,
                                                                 int volume_gb) const {
  std::vector<GrowingNode> nodes;
  for (const auto& n : cluster.nodes) {
    GrowingNode g;
    g.name = n.instance.name.empty() ? n.instance_id : n.instance.name;
    const auto report = node_report(n.detail, n.instance_id);
    if (report && report->has_load_bytes()) g.load_bytes = report->load_bytes();
    g.used_bytes = n.instance.volume_used_bytes;
    g.total_bytes = n.instance.volume_total_bytes;
    nodes.push_back(std::move(g));
  }
  return grow_disk_warnings(nodes, added, int64_t(volume_gb) << 30);
}

void CassandraClusterStrategy::check_rolling_restart(const db::Cluster& cluster, bool by_rack,
                                                     int concurrency) const {
  if (auto why = rolling_restart_refusal(shrink_members(cluster.nodes), by_rack, concurrency)) {
    throw common::unprocessable("cannot resize cluster " + cluster.name + " that way: " + *why);
  }
}

std::vector<std::string> CassandraClusterStrategy::own_actions() const { return {kCleanupAction}; }

api::OwnClusterAction CassandraClusterStrategy::plan_own_action(const std::string& name,
                                                                const nlohmann::json& /*body*/,
                                                                const db::Cluster& cluster) const {
  if (name != kCleanupAction) return ClusterStrategy::plan_own_action(name, {}, cluster);
  // A cleanup on a ring with a node down would fail on that node; say so
  // now rather than after the others were cleaned.
  for (const auto& n : cluster.nodes) {
    const std::string status = common::user_status(n.instance.task, n.instance.service_status);
    if (status != "ACTIVE") {
      throw common::unprocessable("cannot clean up cluster " + cluster.name + ": node " +
                                  n.instance.name + " is " + status +
                                  "; a cleanup needs every node ACTIVE");
    }
  }
  auto input = std::make_unique<proto::ClusterNodesInput>();
  for (const auto& id : node_order(cluster.nodes)) input->add_instance_ids(id);
  return {kCleanupOperation, kCleaningTask, std::move(input)};
}

std::vector<api::BackedUpNode> CassandraClusterStrategy::backed_up_nodes(
    const db::Backup& backup) const {
  proto::cassandra::ClusterBackupFacts facts;
  try {
    facts = common::proto_json::decode<proto::cassandra::ClusterBackupFacts>(
        backup.facts, "the facts of backup " + backup.id);
  } catch (const common::Error&) {
    throw common::bad_request("backup " + backup.id + " is not a Cassandra cluster backup");
  }
  if (facts.nodes().empty()) {
    throw common::bad_request("backup " + backup.id + " records no nodes to restore");
  }
  std::vector<api::BackedUpNode> out;
  for (const auto& n : facts.nodes()) {
    out.push_back({n.instance_id(), n.rack(), n.flavor_id(), n.volume_size(), n.bytes()});
  }
  return out;
}

void CassandraClusterStrategy::check_keyspace_backs_up(const std::string& entry,
                                                       const std::string& field) const {
  const std::string keyspace = entry.substr(0, entry.find('.'));
  if (is_system_keyspace(keyspace)) {
    throw common::bad_request(field + ": " + keyspace +
                              " is Cassandra's own keyspace; it is not backed up");
  }
}

std::optional<int64_t> CassandraClusterStrategy::uploaded_bytes(const db::Backup& backup) const {
  try {
    return common::proto_json::decode<proto::cassandra::ClusterBackupFacts>(
               backup.facts, "the facts of backup " + backup.id)
        .uploaded_bytes();
  } catch (const common::Error&) {
    return std::nullopt;
  }
}

}  // namespace automat::datastores::cassandra
