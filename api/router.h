#pragma once
// Maps a Request to its handler and turns every failure into Trove's JSON
// error body. Paths (all under /v1.0/{tenant_id}/ need an X-Auth-Token whose
// tenant is tenant_id, or an admin token):
//   GET  /                                    versions document (no token)
//   GET  POST    instances                    list, create
//   GET          instances/detail             list
//   GET  DELETE  instances/{id}               show, delete
//   GET          datastores, datastores/{ds}, datastores/{ds}/versions,
//                datastores/{ds}/versions/{v}
//   GET          flavors, flavors/{id}
//   GET          operations/{id}
//   GET  POST    clusters                     list, create
//   GET  POST  DELETE clusters/{id}           show, action (grow|shrink|replace_node), delete
//   POST         clusters/{id}/action         action
//   GET  POST    clusters/{id}/nodes          list nodes, add nodes (grow)
//   GET  DELETE  clusters/{id}/nodes/{node}   show node, remove node (shrink)
//   GET          clusters/{id}/instances/{node}  show node (Trove)
//   POST         clusters/{id}/root           enable root
// Unknown paths answer 404 itemNotFound, known paths with another method 405.
#include <string>
#include <string_view>
#include <vector>

#include "api/authenticator.h"
#include "api/cluster_actions_handler.h"
#include "api/clusters_handler.h"
#include "api/datastores_handler.h"
#include "api/flavors_handler.h"
#include "api/http_message.h"
#include "api/instances_handler.h"
#include "api/operations_handler.h"
#include "api/replicas_handler.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class Router {
 public:
  // `services` (and what it points to) must outlive the router.
  // `default_base_url` ("http://127.0.0.1:8779") is used for links when a
  // request has no usable Host header.
  Router(const ApiServices& services, std::string default_base_url);

  // Never throws: common::Error becomes its status and fault body, invalid
  // JSON 400, anything else 500 (logged, never shown). Thread-safe.
  Response handle(const Request& request) const noexcept;

 private:
  Response dispatch(const Request& request) const;
  Response route_tenant(const RequestContext& ctx, const std::vector<std::string>& segments,
                        const std::string& path) const;
  Response route_instances(const RequestContext& ctx, const std::vector<std::string>& segments,
                           const std::string& path) const;
  // In router_clusters.cc. 501 when no ClusterRepository is wired.
  Response route_clusters(const RequestContext& ctx, const std::vector<std::string>& segments,
                          const std::string& path) const;
  Response route_datastores(const RequestContext& ctx, const std::vector<std::string>& segments,
                            const std::string& path) const;
  std::string base_url(const Request& request) const;

  const ApiServices& services_;
  std::string default_base_url_;
  mutable Authenticator auth_;
  InstancesHandler instances_;
  ReplicasHandler replicas_;
  DatastoresHandler datastores_;
  FlavorsHandler flavors_;
  OperationsHandler operations_;
  ClustersHandler clusters_;
  ClusterActionsHandler cluster_actions_;
};

// The path's segments, percent-decoded, without empty ones and without the
// query string. Throws common::Error(kBadRequest) on a bad %-escape.
std::vector<std::string> split_path(std::string_view path);

}  // namespace automat::api
