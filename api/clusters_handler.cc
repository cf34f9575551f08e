#include "api/clusters_handler.h"

#include <algorithm>

#include "api/cluster_operations.h"
#include "api/cluster_plan.h"
#include "api/cluster_request.h"
#include "api/cluster_restore.h"
#include "api/cluster_views.h"
#include "api/operation_requests.h"
#include "api/pagination.h"
#include "api/quota_charge.h"
#include "api/responses.h"
#include "common/crypto.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

db::Cluster new_cluster(const ClusterCreateRequest& req, const ClusterTarget& target,
                        const std::string& tenant_id) {
  db::Cluster c;
  c.id = common::crypto::uuid4();
  c.tenant_id = tenant_id;
  c.name = req.name;
  c.datastore_version_id = target.version.id;
  c.task = common::cluster_task::kBuilding;
  c.status = common::cluster_status::kBuild;
  c.datastore_name = target.version.datastore_name;
  c.datastore_version_name = target.version.name;
  return c;
}

// The nodes of a new cluster, their roles given by the datastore.
std::vector<db::Node> initial_nodes(const db::Cluster& cluster, const ClusterCreateRequest& req,
                                    const db::Flavor& flavor, const ClusterStrategy& strategy) {
  std::vector<db::Node> nodes;
  for (size_t k = 0; k < req.nodes.size(); ++k) {
    const NodeSpec& spec = req.nodes[k];
    nodes.push_back(make_node(cluster, static_cast<int>(k) + 1,
                              spec.zone.value_or(strategy.default_zone()), flavor.id,
                              *spec.volume_size_gb));
  }
  strategy.assign_roles({}, nodes);
  return nodes;
}

}  // namespace

Response ClustersHandler::create(const RequestContext& ctx) const {
  const json doc = ctx.body();
  const ApiLimits& limits = services_.limits;
  ClusterCreateRequest req =
      parse_cluster_create(doc, VolumeBounds{limits.min_volume_gb, limits.max_volume_gb});
  const ClusterTarget target = resolve_cluster_target(req, services_);
  if (req.restore) {
    for (const auto& k : req.restore->keyspaces) {
      target.strategy->check_keyspace_backs_up(k, "cluster.restore.keyspaces");
    }
  }
  // A restore names the backed-up node each new node takes over (and, with
  // no nodes given, copies the backup's).
  const std::vector<std::string> sources =
      req.restore ? plan_cluster_restore(req, target, services_, ctx.tenant_id())
                  : std::vector<std::string>{};
  const db::Flavor flavor = resolve_shared_flavor(req.nodes, *services_.catalog);
  target.strategy->validate_node_flavor(flavor, target.version,
                                        req.nodes.front().field + ".flavorRef");

  db::Cluster cluster = new_cluster(req, target, ctx.tenant_id());
  cluster.nodes = initial_nodes(cluster, req, flavor, *target.strategy);
  cluster.next_ordinal = static_cast<int>(cluster.nodes.size()) + 1;
  proto::ClusterNodesInput input = nodes_input(target.strategy->node_order(cluster.nodes));
  if (req.restore) {
    input.set_restore_backup_id(req.restore->backup_id);
    for (const auto& k : req.restore->keyspaces) input.add_restore_keyspaces(k);
    for (size_t k = 0; k < cluster.nodes.size(); ++k) {
      (*input.mutable_restore_sources())[cluster.nodes[k].instance_id] = sources.at(k);
    }
  }
  const db::Operation op = cluster_operation(ctx.tenant_id(), "cluster.create", cluster.id, input);
  int64_t volume_gb = 0;
  for (const auto& n : cluster.nodes) volume_gb += n.instance.volume_size_gb;
  db::QuotaCharge quota =
      instances_charge(services_, static_cast<int64_t>(cluster.nodes.size()), 0, flavor.ram_mb);
  quota.delta.volumes = volume_gb;
  services_.clusters->create_with_operation(cluster, op, quota);
  common::log::info("cluster.create.accepted",
                    {{"tenant", ctx.tenant_id()},
                     {"cluster", cluster.id},
                     {"op", op.id},
                     {"nodes", std::to_string(cluster.nodes.size())},
                     {"flavor", flavor.id},
                     {"datastore_version", target.version.id},
                     {"restore", req.restore ? req.restore->backup_id : ""}});
  publish_task(services_, op.id);
  return accepted_cluster(services_, ctx, cluster, op);
}

Response ClustersHandler::list(const RequestContext& ctx) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto page = page_of(
      services_.clusters->list(ctx.tenant_id()), request, [](const db::Cluster& c) { return c.id; },
      "a cluster");
  return json_response(200,
                       paged_body(ctx, "clusters", clusters_view(page.items, ctx.links)["clusters"],
                                  page.next_marker));
}

Response ClustersHandler::show(const RequestContext& ctx, const std::string& id) const {
  return json_response(200,
                       {{"cluster", cluster_view(find_cluster(services_, ctx, id), ctx.links)}});
}

Response ClustersHandler::list_nodes(const RequestContext& ctx, const std::string& id) const {
  const PageRequest request = page_request(ctx, services_.limits.max_page_size);
  const auto page = page_of(
      find_cluster(services_, ctx, id).nodes, request,
      [](const db::Node& n) { return n.instance_id; }, "a node");
  json nodes = json::array();
  for (const auto& n : page.items) nodes.push_back(node_view(n, ctx.links));
  return json_response(200, paged_body(ctx, "nodes", std::move(nodes), page.next_marker));
}

Response ClustersHandler::show_node(const RequestContext& ctx, const std::string& id,
                                    const std::string& node_id, const char* wrapper) const {
  const db::Cluster cluster = find_cluster(services_, ctx, id);
  return json_response(200, {{wrapper, node_view(find_node(cluster, node_id), ctx.links)}});
}

}  // namespace automat::api
