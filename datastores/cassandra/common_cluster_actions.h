#pragma once
// Cassandra's own cluster actions (api::ClusterStrategy::own_actions): the
// body key a tenant sends, the operation type the workflow runs and the
// cluster's task meanwhile. Read by the API strategy (api_cluster_strategy.cc)
// and the workflow (workflow_cassandra.cc).
namespace automat::datastores::cassandra {

// POST /clusters/{id}/action {"cleanup": {}}: nodetool cleanup on every
// node, one at a time, dropping the data each no longer owns (after a grow
// that ran without its own cleanup, or a change of replication factor).
// Its input is a ClusterNodesInput listing the nodes, in node order.
inline constexpr const char* kCleanupAction = "cleanup";
inline constexpr const char* kCleanupOperation = "cluster.cleanup";
inline constexpr const char* kCleaningTask = "CLEANING";

// POST /clusters/{id}/action {"restore": {"backup", "tables"}}: a cluster
// backup's tables loaded back into the cluster it was taken of (a generic
// action of clusters whose datastore backs them up; see
// api/cluster_actions_handler.cc). Its input is a ClusterRestoreInput.
inline constexpr const char* kRestoreOperation = "cluster.restore";

// POST /clusters/{id}/action {"resize": {"flavorRef", "by", "concurrency"}}:
// a rolling restart onto a new flavor (a generic cluster action; the API
// asks the strategy whether it keeps QUORUM). Its input is a
// ClusterResizeFlavorInput.
inline constexpr const char* kRollingResizeOperation = "cluster.resize_flavor";

}  // namespace automat::datastores::cassandra
