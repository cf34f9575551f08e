#pragma once
// Cassandra's taskmanager face: a standalone node (POST /instances) and the
// cluster operations of docs/clusters-api.md, on Apache Cassandra nodes.
#include <memory>

#include "taskmanager/workflow.h"

namespace automat::datastores::cassandra {

class CassandraWorkflowFactory : public taskmanager::WorkflowFactory {
 public:
  // instance.create / instance.delete: one secured node (the instance steps
  // with a standalone config); cluster.create, cluster.delete (and the
  // operations workflow_cassandra_steps.h lists). Else Error(kNotImplemented).
  taskmanager::StepList steps_for(const db::Operation& op) override;
  // instance operations: as every datastore (BUILDING_ERROR after a create).
  // cluster.create: the cluster ERROR, task NONE, the failing node's fault
  // set (task BUILDING_ERROR). Any other cluster operation: task NONE,
  // phases cleared, status ACTIVE while every serving node runs (else
  // ERROR); a new node that failed to join keeps the fault.
  void on_failure(taskmanager::Services& services, const db::Operation& op,
                  const std::string& message) override;
};

std::unique_ptr<taskmanager::WorkflowFactory> make_workflow_factory();

}  // namespace automat::datastores::cassandra
