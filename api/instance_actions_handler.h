#pragma once
// POST /v1.0/{tenant}/instances/{id}/action: Trove's instance actions, each
// a 202 with the operation the taskmanager runs.
//   {"resize": {"volume": {"size": N}}}  instance.resize_volume, task RESIZE,
//                                        input InstanceResizeVolumeInput
//   {"resize": {"flavorRef": F}}         instance.resize_flavor, task RESIZE,
//                                        input InstanceResizeFlavorInput
//   detach, promote_to_replica_source, eject_replica_source: replication
//                                        (replicas_handler.h)
#include <string>

#include "api/http_message.h"
#include "api/replicas_handler.h"
#include "api/request_context.h"
#include "api/services.h"

namespace automat::api {

class InstanceActionsHandler {
 public:
  // `replicas` serves the replication actions; both must outlive this.
  InstanceActionsHandler(const ApiServices& services, const ReplicasHandler& replicas)
      : services_(services), replicas_(replicas) {}

  Response action(const RequestContext& ctx, const std::string& id) const;

 private:
  // Grows the instance's volume online to `size_gb`. 400: a cluster node
  // (grown through its cluster's resize_volume), above [api] max_volume_gb,
  // not larger than its volume now; 409 unless it is ACTIVE with no task;
  // 413 when the growth passes the tenant's volumes quota.
  Response resize_volume(const RequestContext& ctx, const std::string& id, int size_gb) const;
  // Moves the instance to flavor `flavor_id`: its datastore restarts with
  // memory settings for the new RAM. 400: an unknown flavor, the flavor it
  // has, RAM below what its datastore version needs, a cluster node; 409
  // unless it is ACTIVE with no task; 413 when the RAM it gains passes the
  // tenant's ram quota.
  Response resize_flavor(const RequestContext& ctx, const std::string& id,
                         const std::string& flavor_id) const;

  const ApiServices& services_;
  const ReplicasHandler& replicas_;
};

}  // namespace automat::api
