// The taskmanager face of every datastore, by manager name. Adding a
// datastore: one line here.
#include "datastores/workflow_registry.h"

#include "datastores/cassandra/workflow_cassandra.h"
#include "datastores/mysql/workflow_mysql.h"

namespace automat::datastores {

std::unique_ptr<taskmanager::WorkflowFactory> workflow_factory(const std::string& manager) {
  if (manager == "mysql") return mysql::make_workflow_factory();
  if (manager == "cassandra") return cassandra::make_workflow_factory();
  return nullptr;
}

}  // namespace automat::datastores
