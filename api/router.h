#pragma once
// Maps a Request to its handler and turns every failure into Trove's JSON
// error body. GET / answers the versions document without a token; every
// other path is /v1.0/{tenant_id}/... and needs an X-Auth-Token whose tenant
// is tenant_id, or an admin token. The routes are data (route_table.h),
// listed in router_routes.cc and published in docs/openapi.yaml. Unknown
// paths answer 404 itemNotFound, known paths with another method 405 with
// an Allow header. A path segment that is not UTF-8 or holds U+0000 (after
// %-decoding) is a 404 and a query value like that a 400, before anything
// is looked up. Links in answers start with the configured public
// endpoint, never with what the client sent as Host. A 500 or 503 says only
// "internal error" or "the service is temporarily unavailable" with the
// request id; the detail goes to the log.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/authenticator.h"
#include "api/backup_schedules_handler.h"
#include "api/backups_handler.h"
#include "api/cluster_actions_handler.h"
#include "api/clusters_handler.h"
#include "api/datastores_handler.h"
#include "api/flavors_handler.h"
#include "api/http_message.h"
#include "api/instance_actions_handler.h"
#include "api/instances_handler.h"
#include "api/operations_handler.h"
#include "api/quotas_handler.h"
#include "api/replicas_handler.h"
#include "api/request_context.h"
#include "api/route_table.h"
#include "api/services.h"

namespace automat::api {

class Router {
 public:
  // `services` (and what it points to) must outlive the router.
  // `public_endpoint` ("http://127.0.0.1:8779", no trailing slash) starts
  // every link in an answer.
  Router(const ApiServices& services, std::string public_endpoint);

  // Never throws: common::Error becomes its status and fault body (a 5xx
  // with a generic message naming request.request_id, or a fresh id when it
  // is empty), invalid JSON 400, anything else 500 (logged, never shown).
  // Every log line written meanwhile carries the request id. Thread-safe.
  Response handle(const Request& request) const noexcept;

  // Every route served, as (method, full path pattern): "/" and
  // "/v1.0/{tenant_id}/instances/{instance_id}", ...
  std::vector<std::pair<Method, std::string>> routes() const;

 private:
  Response dispatch(const Request& request) const;
  // In router_routes.cc: fills table_.
  void add_routes();
  void add_database_admin_routes();

  const ApiServices& services_;
  std::string public_endpoint_;
  mutable Authenticator auth_;
  InstancesHandler instances_;
  ReplicasHandler replicas_;
  InstanceActionsHandler instance_actions_;
  DatastoresHandler datastores_;
  FlavorsHandler flavors_;
  OperationsHandler operations_;
  ClustersHandler clusters_;
  ClusterActionsHandler cluster_actions_;
  QuotasHandler quotas_;
  BackupsHandler backups_;
  BackupSchedulesHandler backup_schedules_;
  RouteTable table_;
};

// The path's segments, percent-decoded, without empty ones and without the
// query string. Throws common::Error(kBadRequest) on a bad %-escape, and
// kNotFound when a decoded segment is not UTF-8 or holds U+0000.
std::vector<std::string> split_path(std::string_view path);

// The query string's parameters of `target` ("/x?a=1&b" -> {a,1},{b,""}),
// percent-decoded ('+' is a space), in order. Throws common::Error
// (kBadRequest) naming the parameter on a bad %-escape, or a name or value
// that is not UTF-8 or holds U+0000.
std::vector<std::pair<std::string, std::string>> query_params(std::string_view target);

}  // namespace automat::api
