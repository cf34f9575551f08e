#pragma once
// Trove's replication API through /v1.0/{tenant}/instances
// (api/replica_request.h has the request forms), for any datastore version
// with enabled_replication (today MySQL's workflows implement it): create
// replicas of a master, detach a replica,
// promote a replica to master, eject an unreachable master. Each answers
// 202 with the operation the taskmanager runs; every lookup is scoped to the
// caller's tenant.
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_message.h"
#include "api/replica_request.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class ReplicasHandler {
 public:
  explicit ReplicasHandler(const ApiServices& services) : services_(services) {}

  // POST /instances with replica_of/slave: 400 when the master is unknown,
  // a replica itself, of a datastore without replication or of another
  // datastore than requested; 409 unless the master is ACTIVE and idle.
  // Writes every replica and its instance.create operation in one
  // transaction. Answers {"instance": first, "instances": all, "operation":
  // first, "operations": all}.
  Response create(const RequestContext& ctx, const nlohmann::json& doc) const;
  // PUT /instances/{id}.
  Response update(const RequestContext& ctx, const std::string& id) const;
  // POST /instances/{id}/action.
  Response action(const RequestContext& ctx, const std::string& id) const;

 private:
  Response start(const RequestContext& ctx, const std::string& id, InstanceAction action) const;

  const ApiServices& services_;
};

}  // namespace automat::api
