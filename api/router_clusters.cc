// The /clusters routes of the Router (router.h lists them).
#include "api/responses.h"
#include "api/router.h"
#include "common/error.h"

namespace automat::api {
namespace {

// Tenant routes start after "v1.0" and the tenant id.
constexpr size_t kFirst = 2;

}  // namespace

Response Router::route_clusters(const RequestContext& ctx, const std::vector<std::string>& segments,
                                const std::string& path) const {
  if (!services_.clusters) {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "clusters are not available on this API server");
  }
  const size_t n = segments.size() - kFirst;
  const Method m = ctx.request.method;
  if (n == 1) {
    if (m == Method::kGet) return clusters_.list(ctx);
    if (m == Method::kPost) return clusters_.create(ctx);
    return method_not_allowed(m, path, "GET, POST");
  }
  const std::string& id = segments[kFirst + 1];
  if (n == 2) {
    if (m == Method::kGet) return clusters_.show(ctx, id);
    if (m == Method::kPost) return cluster_actions_.act(ctx, id);
    if (m == Method::kDelete) return cluster_actions_.remove(ctx, id);
    return method_not_allowed(m, path, "GET, POST, DELETE");
  }
  const std::string& sub = segments[kFirst + 2];
  if (n == 3 && sub == "action") {
    if (m == Method::kPost) return cluster_actions_.act(ctx, id);
    return method_not_allowed(m, path, "POST");
  }
  if (n == 3 && sub == "nodes") {
    if (m == Method::kGet) return clusters_.list_nodes(ctx, id);
    if (m == Method::kPost) return cluster_actions_.add_nodes(ctx, id);
    return method_not_allowed(m, path, "GET, POST");
  }
  if (n == 3 && sub == "root") {
    if (m == Method::kPost) return clusters_.enable_root(ctx, id);
    return method_not_allowed(m, path, "POST");
  }
  if (n == 4 && sub == "nodes") {
    const std::string& node = segments[kFirst + 3];
    if (m == Method::kGet) return clusters_.show_node(ctx, id, node, "node");
    if (m == Method::kDelete) return cluster_actions_.remove_node(ctx, id, node);
    return method_not_allowed(m, path, "GET, DELETE");
  }
  if (n == 4 && sub == "instances") {
    if (m == Method::kGet) return clusters_.show_node(ctx, id, segments[kFirst + 3], "instance");
    return method_not_allowed(m, path, "GET");
  }
  throw common::not_found("there is no resource at " + path);
}

}  // namespace automat::api
