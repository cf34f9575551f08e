#include "api/cluster_operations.h"

#include "api/cluster_views.h"
#include "api/operation_requests.h"
#include "api/responses.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/log.h"
#include "common/proto_json.h"
#include "common/status.h"

namespace automat::api {

db::Cluster find_cluster(const ApiServices& services, const RequestContext& ctx,
                         const std::string& id) {
  auto cluster = services.clusters->find(ctx.tenant_id(), id);
  if (!cluster) throw common::not_found("cluster " + common::excerpt(id) + " was not found");
  return std::move(*cluster);
}

const db::Node& find_node(const db::Cluster& cluster, const std::string& node_id) {
  for (const auto& n : cluster.nodes) {
    if (n.instance_id == node_id) return n;
  }
  throw common::not_found("node " + common::excerpt(node_id) + " is not a node of cluster " +
                          cluster.id);
}

void require_idle(const db::Cluster& cluster) {
  if (cluster.task == common::cluster_task::kNone) return;
  throw common::unprocessable("cluster " + cluster.name + " is " + cluster.task +
                              "; wait until its current task finishes");
}

db::Operation cluster_operation(const std::string& tenant_id, const std::string& type,
                                const std::string& cluster_id,
                                const google::protobuf::Message& input) {
  db::Operation op = new_operation(tenant_id, type, "cluster", cluster_id);
  op.input = common::proto_json::encode(input);
  return op;
}

proto::ClusterNodesInput nodes_input(const std::vector<std::string>& ids) {
  proto::ClusterNodesInput input;
  for (const auto& id : ids) input.add_instance_ids(id);
  return input;
}

Response start_cluster_operation(const ApiServices& services, const RequestContext& ctx,
                                 const db::Cluster& cluster, const std::string& task,
                                 const std::vector<db::Node>& new_nodes, const db::Operation& op,
                                 const db::QuotaCharge& quota) {
  const bool started = services.clusters->start_operation(
      cluster.id, task, {common::cluster_task::kNone}, new_nodes, op, quota);
  if (!started) {
    const db::Cluster now = find_cluster(services, ctx, cluster.id);
    require_idle(now);
    throw common::unprocessable("cluster " + cluster.name +
                                " changed while this request was handled; retry it");
  }
  common::log::info("cluster.action.accepted", {{"tenant", ctx.tenant_id()},
                                                {"cluster", cluster.id},
                                                {"op", op.id},
                                                {"type", op.type},
                                                {"new_nodes", std::to_string(new_nodes.size())}});
  publish_task(services, op.id);
  return accepted_cluster(services, ctx, cluster, op);
}

Response accepted_cluster(const ApiServices& services, const RequestContext& ctx,
                          const db::Cluster& fallback, const db::Operation& op) {
  // Read back what was stored (task, timestamps); the given row if it vanished.
  const auto stored = services.clusters->find(ctx.tenant_id(), fallback.id);
  return accepted({{"cluster", cluster_view(stored.value_or(fallback), ctx.links)}}, op);
}

void refuse_cluster_node(const db::Instance& instance) {
  if (!instance.cluster_id) return;
  throw common::bad_request("node " + instance.id + " belongs to cluster " + *instance.cluster_id +
                            "; shrink the cluster instead");
}

}  // namespace automat::api
