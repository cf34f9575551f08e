#pragma once
// The actions on a cluster, each a 202 with an operation id: grow, shrink,
// replace a node, delete. Each starts only while the cluster's task is NONE
// (else 422 naming the task), and writes its operation in the transaction
// that flips the task, so of two concurrent actions exactly one starts.
// Operation contract (the operation's input, proto/automat/operations.proto,
// read by the cluster workflows):
//   cluster.create        task BUILDING   ClusterNodesInput (ids, seeds first)
//   cluster.grow          task GROWING    ClusterNodesInput (new node ids)
//   cluster.shrink        task SHRINKING  ClusterNodesInput (leaving node ids)
//   cluster.replace_node  task REPLACING  ReplaceNodeInput
//   cluster.delete        task DELETING   ClusterNodesInput (every node id)
//   cluster.resize_volume task RESIZING_VOLUME ClusterResizeVolumeInput
//   cluster.resize_flavor task RESIZING  ClusterResizeFlavorInput
// plus each datastore's own actions (ClusterStrategy::own_actions), whose
// operation type, task and input the datastore chooses.
#include <string>
#include <vector>

#include "api/cluster_request.h"
#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class ClusterActionsHandler {
 public:
  explicit ClusterActionsHandler(const ApiServices& services) : services_(services) {}

  // POST /clusters/{id} and /clusters/{id}/action: one of grow, shrink,
  // replace_node (cluster_request.h) or an action of the datastore's own.
  Response act(const RequestContext& ctx, const std::string& id) const;
  // POST /clusters/{id}/nodes {"nodes": {"num", "allocations"}}: a grow.
  Response add_nodes(const RequestContext& ctx, const std::string& id) const;
  // DELETE /clusters/{id}/nodes/{node_id}: a shrink of that one node.
  Response remove_node(const RequestContext& ctx, const std::string& id,
                       const std::string& node_id) const;
  // DELETE /clusters/{id}.
  Response remove(const RequestContext& ctx, const std::string& id) const;

 private:
  // New nodes (not seeds: a seed does not bootstrap; the grow workflow
  // reseeds once they joined) with the cluster's flavor and volume; 400
  // when a spec names another flavor or size, or the cluster would exceed
  // kMaxClusterNodes.
  Response grow(const RequestContext& ctx, const db::Cluster& cluster,
                const std::vector<NodeSpec>& specs) const;
  // 404 for ids not in the cluster, 400 when no node would remain, 422 when
  // the datastore finds the shrink unsafe.
  Response shrink(const RequestContext& ctx, const db::Cluster& cluster,
                  const std::vector<std::string>& ids) const;
  // A new node in the old one's zone, with its role (Cassandra: dc and
  // seed flag), flavor and volume.
  Response replace_node(const RequestContext& ctx, const db::Cluster& cluster,
                        const std::string& node_id) const;
  // {"resize_volume": {"size": N}}: every node's volume grows online to N
  // GB, one node at a time (nodes already of N GB are left as they are).
  // 400: N above [api] max_volume_gb, smaller than some node's volume, or
  // every node already that large; 422: busy, or a node not ACTIVE; 413
  // when the growth of all nodes passes the tenant's volumes quota.
  Response resize_volume(const RequestContext& ctx, const db::Cluster& cluster, int size_gb) const;
  // {"resize": {"flavorRef", "by", "concurrency"}}: a rolling restart of
  // every node not yet of that flavor onto it. 400: an unknown flavor, the
  // flavor every node has, below the datastore's floor, a datastore whose
  // clusters cannot change flavor; 422: busy, a node not ACTIVE, or the
  // datastore finds by/concurrency unsafe (ClusterStrategy::
  // check_rolling_restart); 413 when the RAM gained passes the ram quota.
  Response resize_flavor(const RequestContext& ctx, const db::Cluster& cluster,
                         const RollingResize& resize) const;
  // 400 naming the actions a cluster of its datastore has when `name` is
  // none of them; else the datastore's plan (ClusterStrategy::plan_own_action).
  // {"restore": {"backup", "tables"}}: a COMPLETED backup of this very
  // cluster, its tables ("ks.table") loaded back in place
  // (cluster.restore, task RESTORING). 400: not found, not COMPLETED,
  // another cluster's backup, a datastore without backups; 422: busy, a
  // node not ACTIVE, or nodes changed since the backup.
  Response restore(const RequestContext& ctx, const db::Cluster& cluster,
                   const std::string& backup_id, const std::vector<std::string>& tables) const;
  Response own_action(const RequestContext& ctx, const db::Cluster& cluster,
                      const std::string& name, const nlohmann::json& body) const;

  const ApiServices& services_;
};

}  // namespace automat::api
