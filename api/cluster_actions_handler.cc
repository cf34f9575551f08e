#include "api/cluster_actions_handler.h"

#include <algorithm>
#include <set>

#include "api/cluster_operations.h"
#include "api/cluster_plan.h"
#include "api/quota_charge.h"
#include "api/responses.h"
#include "api/volume_resize_request.h"
#include "automat/operations.pb.h"
#include "common/client_text.h"
#include "common/error.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;

json ids_of(const std::vector<db::Node>& nodes) {
  json ids = json::array();
  for (const auto& n : nodes) ids.push_back(n.instance_id);
  return ids;
}

// The flavor and volume every node of `cluster` has (its oldest node's).
const db::Instance& template_instance(const db::Cluster& cluster) {
  if (cluster.nodes.empty()) {
    throw common::unprocessable("cluster " + cluster.name + " has no nodes left; delete it");
  }
  return cluster.nodes.front().instance;
}

void check_spec_matches(const NodeSpec& spec, const db::Instance& like,
                        db::CatalogRepository& catalog) {
  if (spec.flavor_ref) {
    const db::Flavor flavor = resolve_shared_flavor({spec}, catalog);
    if (flavor.id != like.flavor_id) {
      throw common::bad_request("all nodes of a cluster share one flavor: " + spec.field +
                                ".flavorRef names flavor '" + flavor.id +
                                "' but the cluster's nodes use flavor '" + like.flavor_id + "'");
    }
  }
  if (spec.volume_size_gb && *spec.volume_size_gb != like.volume_size_gb) {
    throw common::bad_request("all nodes of a cluster share one volume size: " + spec.field +
                              ".volume.size is " + std::to_string(*spec.volume_size_gb) +
                              " but the cluster's nodes have " +
                              std::to_string(like.volume_size_gb) + " GB");
  }
}

}  // namespace

Response ClusterActionsHandler::act(const RequestContext& ctx, const std::string& id) const {
  const db::Cluster cluster = find_cluster(services_, ctx, id);
  const ApiLimits& limits = services_.limits;
  const ClusterAction action =
      parse_cluster_action(ctx.body(), VolumeBounds{limits.min_volume_gb, limits.max_volume_gb});
  switch (action.kind) {
    case ClusterActionKind::kGrow:
      return grow(ctx, cluster, action.grow);
    case ClusterActionKind::kShrink:
      return shrink(ctx, cluster, action.ids);
    case ClusterActionKind::kReplaceNode:
      return replace_node(ctx, cluster, action.ids.front());
    case ClusterActionKind::kRestore:
      return restore(ctx, cluster, action.backup_id, action.tables);
    case ClusterActionKind::kResizeVolume:
      return resize_volume(ctx, cluster, action.volume_size_gb);
    case ClusterActionKind::kResizeFlavor:
      return resize_flavor(ctx, cluster, action.resize);
    case ClusterActionKind::kOwn:
      return own_action(ctx, cluster, action.name, action.body);
  }
  throw common::internal_error("unhandled cluster action");
}

Response ClusterActionsHandler::add_nodes(const RequestContext& ctx, const std::string& id) const {
  const db::Cluster cluster = find_cluster(services_, ctx, id);
  return grow(ctx, cluster, parse_add_nodes(ctx.body()));
}

Response ClusterActionsHandler::remove_node(const RequestContext& ctx, const std::string& id,
                                            const std::string& node_id) const {
  return shrink(ctx, find_cluster(services_, ctx, id), {node_id});
}

Response ClusterActionsHandler::remove(const RequestContext& ctx, const std::string& id) const {
  const db::Cluster cluster = find_cluster(services_, ctx, id);
  require_idle(cluster);
  const db::Operation op = cluster_operation(ctx.tenant_id(), "cluster.delete", cluster.id,
                                             nodes_input(ids_of(cluster.nodes)));
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kDeleting, {}, op);
}

Response ClusterActionsHandler::grow(const RequestContext& ctx, const db::Cluster& cluster,
                                     const std::vector<NodeSpec>& specs) const {
  require_idle(cluster);
  // The datastore still builds clusters, and gives the new nodes their roles.
  const ClusterStrategy& strategy = *existing_cluster_target(cluster, services_).strategy;
  const size_t total = cluster.nodes.size() + specs.size();
  if (total > static_cast<size_t>(kMaxClusterNodes)) {
    throw common::bad_request("growing cluster " + cluster.name + " by " +
                              std::to_string(specs.size()) + " would make it " +
                              std::to_string(total) + " nodes; a cluster has at most " +
                              std::to_string(kMaxClusterNodes));
  }
  const db::Instance& like = template_instance(cluster);
  std::vector<db::Node> nodes;
  for (size_t k = 0; k < specs.size(); ++k) {
    check_spec_matches(specs[k], like, *services_.catalog);
    const std::string zone =
        specs[k].zone ? *specs[k].zone : default_zone(cluster, strategy, specs[k].field);
    nodes.push_back(make_node(cluster, cluster.next_ordinal + static_cast<int>(k), zone,
                              like.flavor_id, like.volume_size_gb));
  }
  strategy.assign_roles(cluster.nodes, nodes);
  db::Operation op =
      cluster_operation(ctx.tenant_id(), "cluster.grow", cluster.id, nodes_input(ids_of(nodes)));
  op.warnings = strategy.grow_warnings(cluster, nodes.size(), like.volume_size_gb);
  const db::QuotaCharge quota =
      instances_charge(services_, static_cast<int64_t>(nodes.size()), like.volume_size_gb,
                       flavor_ram_mb(services_, like.flavor_id));
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kGrowing, nodes, op,
                                 quota);
}

Response ClusterActionsHandler::shrink(const RequestContext& ctx, const db::Cluster& cluster,
                                       const std::vector<std::string>& ids) const {
  for (const auto& id : ids) find_node(cluster, id);
  require_idle(cluster);
  if (ids.size() >= cluster.nodes.size()) {
    throw common::bad_request("a cluster keeps at least one node; delete cluster " + cluster.name +
                              " to remove them all");
  }
  existing_cluster_target(cluster, services_).strategy->check_shrink(cluster, ids);
  const db::Operation op =
      cluster_operation(ctx.tenant_id(), "cluster.shrink", cluster.id, nodes_input(ids));
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kShrinking, {}, op);
}

Response ClusterActionsHandler::replace_node(const RequestContext& ctx, const db::Cluster& cluster,
                                             const std::string& node_id) const {
  const db::Node& old = find_node(cluster, node_id);
  require_idle(cluster);
  existing_cluster_target(cluster, services_);
  // The replacement takes the old node's place: its zone, region, type and
  // role (a seed's replacement is a seed).
  db::Node fresh = make_node(cluster, cluster.next_ordinal, old.zone, old.instance.flavor_id,
                             old.instance.volume_size_gb);
  fresh.type = old.type;
  fresh.role = old.role;
  fresh.region = old.region;
  proto::ReplaceNodeInput input;
  input.set_old_instance_id(old.instance_id);
  input.set_new_instance_id(fresh.instance_id);
  const db::Operation op =
      cluster_operation(ctx.tenant_id(), "cluster.replace_node", cluster.id, input);
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kReplacing, {fresh},
                                 op);
}

Response ClusterActionsHandler::restore(const RequestContext& ctx, const db::Cluster& cluster,
                                        const std::string& backup_id,
                                        const std::vector<std::string>& tables) const {
  const ClusterStrategy& strategy = *existing_cluster_target(cluster, services_).strategy;
  if (!strategy.supports_backups() || !services_.backups) {
    throw common::bad_request("cluster " + cluster.name + " runs " + cluster.datastore_name +
                              ", whose clusters this service cannot restore");
  }
  for (const auto& table : tables) strategy.check_keyspace_backs_up(table, "restore.tables");
  const auto backup = services_.backups->find(ctx.tenant_id(), backup_id);
  if (!backup) {
    throw common::bad_request("restore.backup: backup " + common::excerpt(backup_id) +
                              " was not found");
  }
  if (backup->status != db::backup_status::kCompleted) {
    throw common::bad_request("restore.backup: backup " + backup->id + " is " + backup->status +
                              "; only a COMPLETED backup can be restored");
  }
  if (backup->cluster_id != cluster.id) {
    throw common::bad_request("restore.backup: backup " + backup->id +
                              " is not a backup of cluster " + cluster.name +
                              "; restore it into a new cluster with POST /clusters");
  }
  require_idle(cluster);
  // Each node loads its own files: the cluster must have exactly the nodes
  // the backup holds.
  std::set<std::string> held, now;
  for (const auto& n : strategy.backed_up_nodes(*backup)) held.insert(n.instance_id);
  for (const auto& n : cluster.nodes) {
    now.insert(n.instance_id);
    const std::string status = common::user_status(n.instance.task, n.instance.service_status);
    if (status != "ACTIVE") {
      throw common::unprocessable("cannot restore into cluster " + cluster.name + ": node " +
                                  n.instance.name + " is " + status +
                                  "; a restore needs every node ACTIVE");
    }
  }
  if (held != now) {
    throw common::unprocessable("the nodes of cluster " + cluster.name + " changed since backup " +
                                backup->id +
                                " was taken (grown, shrunk or replaced); restore it into a new "
                                "cluster with POST /clusters instead");
  }
  proto::ClusterRestoreInput input;
  input.set_backup_id(backup->id);
  for (const auto& t : tables) input.add_tables(t);
  for (const auto& id : strategy.node_order(cluster.nodes)) input.add_instance_ids(id);
  const db::Operation op = cluster_operation(ctx.tenant_id(), "cluster.restore", cluster.id, input);
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kRestoring, {}, op);
}

Response ClusterActionsHandler::resize_volume(const RequestContext& ctx, const db::Cluster& cluster,
                                              int size_gb) const {
  require_idle(cluster);
  existing_cluster_target(cluster, services_);
  template_instance(cluster);  // 422 when no node is left to grow
  check_volume_bound("resize_volume.size", size_gb, services_.limits.max_volume_gb);
  int64_t growth_gb = 0;
  proto::ClusterResizeVolumeInput input;
  input.set_size_gb(size_gb);
  for (const auto& n : cluster.nodes) {
    const std::string status = common::user_status(n.instance.task, n.instance.service_status);
    if (status != "ACTIVE") {
      throw common::unprocessable("cannot grow the volumes of cluster " + cluster.name + ": node " +
                                  n.instance.name + " is " + status +
                                  "; every node must be ACTIVE");
    }
    // A node already that large (grown by a resize that stopped half way)
    // is left as it is; a larger one is refused.
    if (n.instance.volume_size_gb == size_gb) continue;
    check_volume_grows("resize_volume.size", "node " + n.instance.name + "'s volume",
                       n.instance.volume_size_gb, size_gb);
    growth_gb += size_gb - n.instance.volume_size_gb;
    input.add_instance_ids(n.instance_id);
  }
  if (input.instance_ids().empty()) {
    throw common::bad_request("resize_volume.size: volumes only grow: every node of cluster " +
                              cluster.name + " already has " + std::to_string(size_gb) + " GB");
  }
  const db::Operation op =
      cluster_operation(ctx.tenant_id(), "cluster.resize_volume", cluster.id, input);
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kResizingVolume, {},
                                 op, volumes_charge(services_, growth_gb));
}

Response ClusterActionsHandler::resize_flavor(const RequestContext& ctx, const db::Cluster& cluster,
                                              const RollingResize& resize) const {
  const auto target = existing_cluster_target(cluster, services_);
  template_instance(cluster);  // 422 when no node is left to resize
  const auto flavor = services_.catalog->find_flavor(resize.flavor_id);
  if (!flavor) {
    throw common::bad_request("resize.flavorRef " + common::in_quotes(resize.flavor_id) +
                              " is not a known flavor");
  }
  target.strategy->validate_node_flavor(*flavor, target.version, "resize.flavorRef");
  require_idle(cluster);
  proto::ClusterResizeFlavorInput input;
  input.set_flavor_id(flavor->id);
  input.set_ram_mb(flavor->ram_mb);
  input.set_turn(resize.by_zone ? proto::ClusterResizeFlavorInput::BY_ZONE
                                : proto::ClusterResizeFlavorInput::BY_NODE);
  input.set_concurrency(resize.concurrency);
  int64_t growth_mb = 0;
  for (const auto& n : cluster.nodes) {
    const std::string status = common::user_status(n.instance.task, n.instance.service_status);
    if (status != "ACTIVE") {
      throw common::unprocessable("cannot resize cluster " + cluster.name + ": node " +
                                  n.instance.name + " is " + status +
                                  "; every node must be ACTIVE");
    }
    // A node already of the flavor (resized by a roll that stopped half
    // way) is left as it is.
    if (n.instance.flavor_id == flavor->id) continue;
    if (input.old_flavor_id().empty()) input.set_old_flavor_id(n.instance.flavor_id);
    growth_mb += flavor->ram_mb - flavor_ram_mb(services_, n.instance.flavor_id);
  }
  for (const auto& id : target.strategy->node_order(cluster.nodes)) {
    const db::Node& n = find_node(cluster, id);
    if (n.instance.flavor_id != flavor->id) input.add_instance_ids(id);
  }
  if (input.instance_ids().empty()) {
    throw common::bad_request("resize.flavorRef: every node of cluster " + cluster.name +
                              " already has flavor '" + flavor->name + "'; name another flavor");
  }
  target.strategy->check_rolling_restart(cluster, resize.by_zone, resize.concurrency);
  const db::Operation op =
      cluster_operation(ctx.tenant_id(), "cluster.resize_flavor", cluster.id, input);
  return start_cluster_operation(services_, ctx, cluster, common::cluster_task::kResizing, {}, op,
                                 ram_charge(services_, growth_mb));
}

Response ClusterActionsHandler::own_action(const RequestContext& ctx, const db::Cluster& cluster,
                                           const std::string& name,
                                           const nlohmann::json& body) const {
  const ClusterStrategy& strategy = *existing_cluster_target(cluster, services_).strategy;
  const std::vector<std::string> own = strategy.own_actions();
  if (std::find(own.begin(), own.end(), name) == own.end()) {
    std::string known = kCommonClusterActions;
    if (strategy.supports_backups()) known += ", restore";
    for (const auto& a : own) known += ", " + a;
    throw common::bad_request("unknown cluster action '" + name + "' for a " +
                              cluster.datastore_name + " cluster; use one of " + known);
  }
  require_idle(cluster);
  const OwnClusterAction planned = strategy.plan_own_action(name, body, cluster);
  const db::Operation op =
      cluster_operation(ctx.tenant_id(), planned.operation_type, cluster.id, *planned.input);
  return start_cluster_operation(services_, ctx, cluster, planned.task, {}, op);
}

}  // namespace automat::api
