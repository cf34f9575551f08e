#pragma once
// /v1.0/{tenant}/instances: create (async, 202), list, show, delete (async,
// 202). Every read and write is scoped to the URL's tenant; another tenant's
// instance answers 404 exactly like a missing one.
#include <string>

#include "api/http_message.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class InstancesHandler {
 public:
  explicit InstancesHandler(const ApiServices& services) : services_(services) {}

  // POST /instances: validates everything (generic rules, then the
  // datastore's strategy) before writing; then writes the instance and its
  // instance.create operation in one transaction, publishes the task and
  // answers 202 {"instance": ..., "operation": {"id", "state"}} with
  // X-Operation-Id. A failed publish is logged and still answers 202: the
  // taskmanager's resume scan picks up unclaimed operations.
  Response create(const RequestContext& ctx) const;
  // GET /instances and /instances/detail: {"instances": [...], "links"},
  // paginated (api/pagination.h), oldest first. Cluster nodes are left out
  // unless ?include_clustered=true, as Trove does.
  Response list(const RequestContext& ctx) const;
  // GET /instances/{id}: {"instance": ...}.
  Response show(const RequestContext& ctx, const std::string& id) const;
  // DELETE /instances/{id}: 202 {"operation": ...}; 409 while the instance
  // is BUILDING or DELETING, or while replicas follow it (they must be
  // detached or deleted first). 400 for a cluster's node (shrink the
  // cluster instead).
  Response remove(const RequestContext& ctx, const std::string& id) const;

 private:
  const ApiServices& services_;
};

}  // namespace automat::api
