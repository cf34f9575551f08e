#pragma once
// MySQL's taskmanager face: the steps of its instance operations, served by
// Debian's MariaDB.
#include <memory>

#include "taskmanager/workflow.h"

namespace automat::datastores::mysql {

class MysqlWorkflowFactory : public taskmanager::WorkflowFactory {
 public:
  // instance.create: allocate-server, wait-for-guest, prepare-datastore,
  // wait-for-running, mark-active. instance.delete: stop-datastore,
  // destroy-server, mark-deleted. Anything else: Error(kNotImplemented).
  taskmanager::StepList steps_for(const db::Operation& op) override;
  // A failed create leaves the instance BUILDING_ERROR with the fault; a
  // failed delete leaves it NONE with the fault, so the user can retry.
  void on_failure(taskmanager::Services& services, const db::Operation& op,
                  const std::string& message) override;
};

std::unique_ptr<taskmanager::WorkflowFactory> make_workflow_factory();

}  // namespace automat::datastores::mysql
