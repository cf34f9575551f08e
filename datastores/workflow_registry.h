#pragma once
// The taskmanager face of the datastores, by manager name ("mysql"): what
// automat-taskmanager links. Defined in datastores/workflow_registry.cc.
#include <memory>
#include <string>

#include "taskmanager/workflow.h"

namespace automat::datastores {

// nullptr when no datastore registered `manager`.
std::unique_ptr<taskmanager::WorkflowFactory> workflow_factory(const std::string& manager);

}  // namespace automat::datastores
