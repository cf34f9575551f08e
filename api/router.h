#pragma once
// Maps a Request to its handler and turns every failure into Trove's JSON
// error body. GET / answers the versions document without a token; every
// other path is /v1.0/{tenant_id}/... and needs an X-Auth-Token whose tenant
// is tenant_id, or an admin token. The routes are data (route_table.h),
// listed in router_routes.cc and published in docs/openapi.yaml. Unknown
// paths answer 404 itemNotFound, known paths with another method 405 with
// an Allow header.
#include <string>
#include <string_view>
#include <utility>
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
#include "api/route_table.h"
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

  // Every route served, as (method, full path pattern): "/" and
  // "/v1.0/{tenant_id}/instances/{instance_id}", ...
  std::vector<std::pair<Method, std::string>> routes() const;

 private:
  Response dispatch(const Request& request) const;
  // In router_routes.cc: fills table_.
  void add_routes();
  void add_database_admin_routes();
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
  RouteTable table_;
};

// The path's segments, percent-decoded, without empty ones and without the
// query string. Throws common::Error(kBadRequest) on a bad %-escape.
std::vector<std::string> split_path(std::string_view path);

}  // namespace automat::api
