#include "datastores/mysql/workflow_mysql.h"

#include "automat/guest.pb.h"
#include "automat/operations.pb.h"
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
  // Every operation type MySQL serves, with its input and checkpoint
  // messages: the records must parse before anything runs.
  check_records(
      op,
      {
          records_of<proto::InstanceCreateInput, proto::InstanceCreateCheckpoint>(
              "instance.create"),
          records_of<proto::Empty, proto::Empty>("instance.delete"),
          records_of<proto::Empty, proto::Empty>("instance.detach"),
          records_of<proto::Empty, proto::mysql::ReplicationCheckpoint>("instance.promote"),
          records_of<proto::Empty, proto::mysql::ReplicationCheckpoint>("instance.eject"),
          records_of<proto::InstanceResizeVolumeInput, proto::Empty>("instance.resize_volume"),
          records_of<proto::InstanceResizeFlavorInput, proto::Empty>("instance.resize_flavor"),
          records_of<proto::Empty, proto::Empty>("backup.create"),
          records_of<proto::Empty, proto::Empty>("backup.delete"),
      },
      "MySQL");
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
