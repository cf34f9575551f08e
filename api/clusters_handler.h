#pragma once
// /v1.0/{tenant}/clusters: create (async, 202), list, show, show a node
// (root is in root_handler.h). Every read and write is scoped to the URL's tenant; another
// tenant's cluster answers 404 exactly like a missing one. The actions
// (grow, shrink, replace, delete) are in cluster_actions_handler.h.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class ClustersHandler {
 public:
  explicit ClustersHandler(const ApiServices& services) : services_(services) {}

  // POST /clusters (cluster_request.h has both body forms): validates
  // everything (request, catalog, the datastore's cluster rules) before
  // writing; then writes the cluster, one instance + node per node (seeds
  // placed by the datastore) and its cluster.create operation in one
  // transaction, publishes the task and answers 202 {"cluster": ...,
  // "operation": ...} with X-Operation-Id, even when publishing failed.
  Response create(const RequestContext& ctx) const;
  // GET /clusters: {"clusters": [...]}.
  Response list(const RequestContext& ctx) const;
  // GET /clusters/{id}: {"cluster": ...}.
  Response show(const RequestContext& ctx, const std::string& id) const;
  // GET /clusters/{id}/nodes: {"nodes": [node view...]}.
  Response list_nodes(const RequestContext& ctx, const std::string& id) const;
  // GET /clusters/{id}/nodes/{node_id} -> {"node": ...};
  // GET /clusters/{id}/instances/{node_id} -> {"instance": ...} (Trove).
  Response show_node(const RequestContext& ctx, const std::string& id, const std::string& node_id,
                     const char* wrapper) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
