#pragma once
// The API face of the datastores, by manager name ("mysql"): what
// automat-api links. Defined in datastores/api_registry.cc; the workflow and
// guest faces have registries of their own (workflow_registry.h,
// guest_registry.h), so the API includes nothing of the taskmanager, the
// compute drivers or the guest agent.
#include <string>

#include "api/cluster_strategy.h"
#include "api/datastore_strategy.h"

namespace automat::datastores {

// nullptr when no datastore registered `manager`.
const api::DatastoreStrategy* api_strategy(const std::string& manager);
// nullptr when `manager` builds no clusters.
const api::ClusterStrategy* cluster_strategy(const std::string& manager);

}  // namespace automat::datastores
