#include "api/root_handler.h"

#include "api/cluster_operations.h"
#include "api/cluster_plan.h"
#include "api/cluster_views.h"
#include "api/instance_guest.h"
#include "api/responses.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"

namespace automat::api {
namespace {

using nlohmann::json;
using Use = InstanceGuest::Use;

// The body's "password", or "" (generate one) when there is no body or no password.
std::string requested_password(const RequestContext& ctx) {
  if (ctx.request.body.find_first_not_of(" \t\r\n") == std::string::npos) return "";
  const json& body = ctx.body();
  const auto it = body.find("password");
  return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

json root_user_view(const proto::RootUser& root) {
  return {{"user", {{"name", root.name()}, {"password", root.password()}}}};
}

// An ACTIVE node to act through, in the datastore's node order (Cassandra:
// seeds first); nullptr when none is.
const db::Node* active_node(const db::Cluster& cluster, const ApiServices& services) {
  const auto order = existing_cluster_target(cluster, services).strategy->node_order(cluster.nodes);
  for (const auto& id : order) {
    for (const auto& n : cluster.nodes) {
      if (n.instance_id == id && node_status(n) == "ACTIVE") return &n;
    }
  }
  return nullptr;
}

std::vector<std::string> node_ids(const db::Cluster& cluster) {
  std::vector<std::string> ids;
  for (const auto& n : cluster.nodes) ids.push_back(n.instance_id);
  return ids;
}

}  // namespace

void RootHandler::require_wired() const {
  if (!services_.database_admin || !services_.root_history) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "enabling root is not available on this API server");
  }
}

Response RootHandler::enable(const RequestContext& ctx, const std::string& instance_id) const {
  require_wired();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  proto::EnableRootRequest req;
  req.set_password(requested_password(ctx));
  proto::RootUser root;
  guest.with([&](auto& g) { root = g.enable_root(req); });
  services_.root_history->record_enabled({instance_id});
  common::log::info(
      "instance.root_enabled",
      {{"tenant", ctx.tenant_id()}, {"instance", instance_id}, {"user", root.name()}});
  return json_response(200, root_user_view(root));
}

Response RootHandler::show(const RequestContext& ctx, const std::string& instance_id) const {
  require_wired();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kRead);
  return json_response(200, {{"rootEnabled", services_.root_history->is_enabled({instance_id})}});
}

Response RootHandler::disable(const RequestContext& ctx, const std::string& instance_id) const {
  require_wired();
  const InstanceGuest guest(services_, ctx, instance_id, Use::kWrite);
  if (!services_.root_history->is_enabled({instance_id})) {
    throw common::not_found("root has never been enabled on instance " + instance_id);
  }
  guest.with([&](auto& g) { g.disable_root(); });
  services_.root_history->record_disabled(instance_id);
  common::log::info("instance.root_disabled",
                    {{"tenant", ctx.tenant_id()}, {"instance", instance_id}});
  return empty_response(204);
}

Response RootHandler::enable_cluster(const RequestContext& ctx,
                                     const std::string& cluster_id) const {
  const db::Cluster cluster = find_cluster(services_, ctx, cluster_id);
  require_wired();
  if (cluster.task == common::cluster_task::kDeleting) require_idle(cluster);
  const db::Node* node = active_node(cluster, services_);
  if (!node) {
    throw common::unprocessable("no node of cluster " + cluster.name +
                                " is ACTIVE yet; enable root once the cluster is ACTIVE");
  }
  const InstanceGuest guest(services_, ctx, node->instance_id, Use::kWrite);
  proto::EnableRootRequest req;
  req.set_password(requested_password(ctx));
  proto::RootUser root;
  guest.with([&](auto& g) { root = g.enable_root(req); });
  services_.root_history->record_enabled(node_ids(cluster));
  common::log::info("cluster.root_enabled", {{"tenant", ctx.tenant_id()},
                                             {"cluster", cluster.id},
                                             {"node", node->instance_id},
                                             {"user", root.name()}});
  return json_response(200, root_user_view(root));
}

Response RootHandler::show_cluster(const RequestContext& ctx, const std::string& cluster_id) const {
  const db::Cluster cluster = find_cluster(services_, ctx, cluster_id);
  require_wired();
  if (!active_node(cluster, services_)) {
    throw common::unprocessable("cluster " + cluster.name + " is not ready: no node is ACTIVE");
  }
  return json_response(200,
                       {{"rootEnabled", services_.root_history->is_enabled(node_ids(cluster))}});
}

}  // namespace automat::api
