#pragma once
// The steps every cluster request shares: finding the caller's cluster,
// refusing work on a busy one, starting an operation (task flip, rows and
// operation in one transaction), publishing its task and answering 202.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"
#include "automat/operations.pb.h"
#include "db/models.h"

namespace automat::api {

// The URL tenant's live cluster `id`; 404 when missing or another tenant's.
db::Cluster find_cluster(const ApiServices& services, const RequestContext& ctx,
                         const std::string& id);

// 404 naming both ids unless `node_id` is a live node of `cluster`.
const db::Node& find_node(const db::Cluster& cluster, const std::string& node_id);

// 422 "cluster <name> is <TASK>; wait until its current task finishes"
// unless the cluster's task is NONE.
void require_idle(const db::Cluster& cluster);

// A SUBMITTED operation of `type` ("cluster.grow") on `cluster_id` with its
// typed input (proto/automat/operations.proto).
db::Operation cluster_operation(const std::string& tenant_id, const std::string& type,
                                const std::string& cluster_id,
                                const google::protobuf::Message& input);
// The input of a create, grow, shrink or delete: the nodes it names.
proto::ClusterNodesInput nodes_input(const std::vector<std::string>& ids);

// Starts `op` on `cluster`: flips its task from NONE to `task` and writes
// `new_nodes` and `op` in one transaction; publishes the task; answers 202
// {"cluster": view, "operation": {"id","state"}} with X-Operation-Id. A
// concurrent action that won the flip makes this a 422 naming its task;
// `quota` is charged in that transaction (413 overLimit when it does not fit).
Response start_cluster_operation(const ApiServices& services, const RequestContext& ctx,
                                 const db::Cluster& cluster, const std::string& task,
                                 const std::vector<db::Node>& new_nodes, const db::Operation& op,
                                 const db::QuotaCharge& quota = {});

// 202 {"cluster": view of the stored cluster, "operation": ...} for `op`.
Response accepted_cluster(const ApiServices& services, const RequestContext& ctx,
                          const db::Cluster& fallback, const db::Operation& op);

// 400 when `instance` is a node of a cluster: cluster nodes leave through
// the cluster (shrink), never through DELETE /instances/{id}.
void refuse_cluster_node(const db::Instance& instance);

}  // namespace automat::api
