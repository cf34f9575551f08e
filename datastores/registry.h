#pragma once
// Maps a datastore's manager name ("mysql") to its three faces. Adding a
// datastore is a folder under datastores/ and one line in each *_registry.cc.
// Each face is its own library, so a process links only the face it calls.
#include <memory>
#include <string>

#include "api/cluster_strategy.h"
#include "api/datastore_strategy.h"
#include "guestagent/datastore_manager.h"
#include "taskmanager/workflow.h"

namespace automat::datastores {

// nullptr when no datastore registered `manager`.
const api::DatastoreStrategy* api_strategy(const std::string& manager);
// nullptr when `manager` builds no clusters.
const api::ClusterStrategy* cluster_strategy(const std::string& manager);
std::unique_ptr<taskmanager::WorkflowFactory> workflow_factory(const std::string& manager);
std::unique_ptr<guestagent::DatastoreManager> guest_manager(const std::string& manager,
                                                            const guestagent::NodeContext& node);

}  // namespace automat::datastores
