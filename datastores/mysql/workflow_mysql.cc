#include "datastores/mysql/workflow_mysql.h"

#include "common/error.h"
#include "datastores/mysql/mysql_operations.pb.h"
#include "datastores/mysql/workflow_backup.h"
#include "datastores/mysql/workflow_replication.h"
#include "taskmanager/flavor_resize_steps.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"
#include "taskmanager/volume_resize_steps.h"

namespace automat::datastores::mysql {
namespace {

using namespace automat::taskmanager;

const DatastoreLabel kMariaDb{"MariaDB"};

}  // namespace

StepList MysqlWorkflowFactory::steps_for(const db::Operation& op) {
  // The operation's records must parse before anything runs (the input of
  // a create is read just below).
  if (op.type == "instance.create") checkpoint_of<proto::InstanceCreateCheckpoint>(op);
  if (op.type == "instance.promote" || op.type == "instance.eject") {
    checkpoint_of<proto::mysql::ReplicationCheckpoint>(op);
  }
  check_volume_resize_records(op);
  check_flavor_resize_records(op);
  StepList steps;
  if (op.type == "instance.create") {
    add<AllocateServerStep>(steps);
    add<WaitForGuestStep>(steps);
    add<PrepareDatastoreStep>(steps, kMariaDb, restore_settings);
    add<WaitForRunningStep>(steps, kMariaDb);
    if (!input_of<proto::InstanceCreateInput>(op).replica_of().empty()) {
      add_replica_seed_steps(steps);
    }
    add<MarkActiveStep>(steps);
  } else if (op.type == "instance.detach") {
    add_detach_steps(steps);
  } else if (op.type == "instance.promote") {
    add_promote_steps(steps);
  } else if (op.type == "instance.eject") {
    add_eject_steps(steps);
  } else if (op.type == "instance.resize_volume") {
    add<ResizeVolumeStep>(steps);
    add<MarkActiveStep>(steps);
  } else if (op.type == "instance.resize_flavor") {
    add<ApplyFlavorToServerStep>(steps);
    add<RestartWithFlavorStep>(steps, kMariaDb);
    add<RecordFlavorStep>(steps);
    add<WaitForRunningStep>(steps, kMariaDb);
    add<MarkActiveStep>(steps);
  } else if (op.type == "backup.create") {
    add_backup_create_steps(steps);
  } else if (op.type == "backup.delete") {
    add_backup_delete_steps(steps);
  } else if (op.type == "instance.delete") {
    add<StopDatastoreStep>(steps, kMariaDb);
    add<DestroyServerStep>(steps);
    add<MarkDeletedStep>(steps);
  } else {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "MySQL does not support operation '" + op.type + "'");
  }
  return steps;
}

void MysqlWorkflowFactory::on_failure(Services& services, const db::Operation& op,
                                      const std::string& message) {
  if (op.resource_type == "backup") {
    backup_operation_failed(services, op, message);
    return;
  }
  flavor_resize_failed(services, op);
  const std::string rolled_back = roll_back_promote(services, op);
  mark_instance_operation_failed(services, op,
                                 rolled_back.empty() ? message : message + "; " + rolled_back);
}

std::unique_ptr<WorkflowFactory> make_workflow_factory() {
  return std::make_unique<MysqlWorkflowFactory>();
}

}  // namespace automat::datastores::mysql
