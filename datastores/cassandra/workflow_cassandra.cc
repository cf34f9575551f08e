#include "datastores/cassandra/workflow_cassandra.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "datastores/cassandra/common_cluster_actions.h"
#include "datastores/cassandra/workflow_cassandra_backup.h"
#include "datastores/cassandra/workflow_cassandra_nodes.h"
#include "datastores/cassandra/workflow_cassandra_steps.h"
#include "taskmanager/flavor_resize_steps.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/step_kit.h"
#include "taskmanager/volume_resize_steps.h"

namespace automat::datastores::cassandra {
namespace {

using namespace automat::taskmanager;

const DatastoreLabel kCassandra{"Cassandra"};

// A one-node ring of its own that secures itself.
google::protobuf::Any standalone_settings(StepContext& ctx) {
  auto inst = ctx.services.instances->find_any(ctx.operation.resource_id);
  if (!inst || !inst->address) {
    throw common::internal_error("instance " + ctx.operation.resource_id + " has no address");
  }
  proto::cassandra::PrepareSettings settings;
  settings.set_standalone(true);
  settings.set_cluster_name(inst->id);
  settings.add_seeds(*inst->address);
  settings.set_rack(inst->availability_zone.empty() ? "rack1" : inst->availability_zone);
  settings.set_dc("dc1");
  settings.set_auto_bootstrap(false);
  google::protobuf::Any packed;
  packed.PackFrom(settings);
  return packed;
}

// The nodes the operation adds (they may not be serving when it fails).
std::set<std::string> new_nodes_of(const db::Operation& op) {
  if (op.type == "cluster.create" || op.type == "cluster.grow") {
    const auto ids = input_nodes(op);
    return {ids.begin(), ids.end()};
  }
  if (op.type == "cluster.replace_node") return {replace_input(op).new_instance_id()};
  return {};
}

// A grow or replace that failed: every added node that had not joined the
// ring is stopped, destroyed and deleted, so the cluster keeps only nodes
// that serve (a half-joined node would block every later shrink). A node
// that cannot be destroyed stays, with the failure as its fault.
void discard_unjoined(Services& services, const db::Operation& op,
                      const std::set<std::string>& added) {
  db::Operation one = op;
  StepContext ctx{services, one};
  for (const auto& id : added) {
    if (marked(ctx.operation, NodeMark::kJoined, id) || !services.instances->find_any(id)) continue;
    try {
      StopDatastoreStep stop(kCassandra);
      DestroyServerStep destroy;
      // A stop that fails is only logged; one still running is not waited
      // for (a failure hook does not retry): the destroy ends it.
      run_for_node(stop, ctx, id);
      const StepResult r = run_for_node(destroy, ctx, id);
      if (r.kind != StepResult::Kind::kNext) throw common::unavailable(r.message);
      services.instances->mark_deleted(id);
      common::log::info("cassandra.node_discarded",
                        {{"op", op.id}, {"cluster", op.resource_id}, {"instance", id}});
    } catch (const std::exception& e) {
      common::log::warn(
          "cassandra.node_discard_failed",
          {{"op", op.id}, {"cluster", op.resource_id}, {"instance", id}, {"error", e.what()}});
    }
  }
}

bool serving(const std::string& service_status) {
  return service_status == common::service_status::kRunning ||
         service_status == common::service_status::kBlocked;
}

}  // namespace

StepList CassandraWorkflowFactory::steps_for(const db::Operation& op) {
  // Every operation type Cassandra serves, with its input and checkpoint
  // messages: a bad row fails here, naming its message, with nothing done.
  using proto::cassandra::RingCheckpoint;
  taskmanager::check_records(
      op,
      {
          records_of<proto::InstanceCreateInput, proto::InstanceCreateCheckpoint>(
              "instance.create"),
          records_of<proto::Empty, proto::Empty>("instance.delete"),
          records_of<proto::InstanceResizeVolumeInput, proto::Empty>("instance.resize_volume"),
          records_of<proto::InstanceResizeFlavorInput, proto::Empty>("instance.resize_flavor"),
          records_of<proto::ClusterNodesInput, RingCheckpoint>("cluster.create"),
          records_of<proto::ClusterNodesInput, RingCheckpoint>("cluster.delete"),
          records_of<proto::ClusterNodesInput, RingCheckpoint>("cluster.grow"),
          records_of<proto::ClusterNodesInput, RingCheckpoint>("cluster.shrink"),
          records_of<proto::ClusterNodesInput, RingCheckpoint>(kCleanupOperation),
          records_of<proto::ReplaceNodeInput, RingCheckpoint>("cluster.replace_node"),
          records_of<proto::ClusterRestoreInput, RingCheckpoint>(kRestoreOperation),
          records_of<proto::ClusterResizeVolumeInput, proto::ClusterResizeVolumeCheckpoint>(
              "cluster.resize_volume"),
          records_of<proto::ClusterResizeFlavorInput, proto::ClusterResizeFlavorCheckpoint>(
              kRollingResizeOperation),
          // Cassandra's backups are a cluster's (POST /clusters/{id}/backups).
          records_of<proto::ClusterBackupInput, RingCheckpoint>("backup.create"),
          records_of<proto::Empty, RingCheckpoint>("backup.delete"),
      },
      "Cassandra");
  StepList steps;
  if (op.type == "instance.resize_volume" || op.type == "cluster.resize_volume") {
    if (op.resource_type == "cluster") {
      add<ResizeNodeVolumesStep>(steps);
      steps.push_back(mark_active_step());
    } else {
      add<ResizeVolumeStep>(steps);
      add<MarkActiveStep>(steps);
    }
    return steps;
  }
  if (op.type == "instance.resize_flavor") {
    add<ApplyFlavorToServerStep>(steps);
    add<RestartWithFlavorStep>(steps, kCassandra);
    add<RecordFlavorStep>(steps);
    add<WaitForRunningStep>(steps, kCassandra);
    add<MarkActiveStep>(steps);
    return steps;
  }
  if (op.type == kRollingResizeOperation) {
    add_rolling_resize_steps(steps);
    return steps;
  }
  if (op.type == "cluster.replace_node") replace_input(op);  // names both nodes
  if (op.resource_type == "backup" && op.type == "backup.create") {
    add_cluster_backup_steps(steps);
  } else if (op.resource_type == "backup" && op.type == "backup.delete") {
    add_cluster_backup_delete_steps(steps);
  } else if (op.type == "instance.create") {
    add<AllocateServerStep>(steps);
    add<WaitForGuestStep>(steps);
    add<PrepareDatastoreStep>(steps, kCassandra, standalone_settings);
    add<WaitForRunningStep>(steps, kCassandra);
    add<MarkActiveStep>(steps);
  } else if (op.type == "instance.delete") {
    add<StopDatastoreStep>(steps, kCassandra);
    add<DestroyServerStep>(steps);
    add<MarkDeletedStep>(steps);
  } else if (op.type == "cluster.create") {
    add_create_steps(steps);
  } else if (op.type == "cluster.delete") {
    add_delete_steps(steps);
  } else if (op.type == "cluster.grow") {
    add_grow_steps(steps);
  } else if (op.type == "cluster.shrink") {
    add_shrink_steps(steps);
  } else if (op.type == "cluster.replace_node") {
    add_replace_steps(steps);
  } else if (op.type == kCleanupOperation) {
    add_cleanup_steps(steps);
  } else if (op.type == kRestoreOperation) {
    add_restore_in_place_steps(steps);
    steps.push_back(mark_active_step());
  } else {
    throw common::Error(common::ErrorCode::kNotImplemented,
                        "Cassandra does not support operation '" + op.type + "'");
  }
  return steps;
}

void CassandraWorkflowFactory::on_failure(Services& services, const db::Operation& op,
                                          const std::string& message) {
  if (op.resource_type == "backup") {
    cluster_backup_failed(services, op, message);
    return;
  }
  if (op.resource_type != "cluster") {
    flavor_resize_failed(services, op);
    mark_instance_operation_failed(services, op, message);
    return;
  }
  if (op.type == "cluster.resize_volume") {
    cluster_volume_resize_failed(services, op);
    return;
  }
  if (op.type == kRollingResizeOperation) {
    rolling_resize_failed(services, op);
    return;
  }
  if (op.type == kRestoreOperation) restore_in_place_failed(services, op);
  try {
    reseed_after_failure(services, op);
  } catch (const std::exception& e) {  // the cluster's state below is set regardless
    common::log::warn("cassandra.reseed_failed", {{"op", op.id}, {"error", e.what()}});
  }
  std::set<std::string> added;
  try {
    added = new_nodes_of(op);
  } catch (const common::Error& e) {  // its input never parsed: nothing was added
    common::log::warn("cassandra.input_unreadable", {{"op", op.id}, {"error", e.what()}});
  }
  const bool create = op.type == "cluster.create";
  if (!create && !added.empty() && services.clusters->find_any(op.resource_id)) {
    discard_unjoined(services, op, added);
  }
  auto cluster = services.clusters->find_any(op.resource_id);
  if (!cluster) return;
  std::string failed_node;
  try {
    failed_node = ring_checkpoint(op).failed_node();
  } catch (const common::Error& e) {
    common::log::warn("cassandra.checkpoint_unreadable", {{"op", op.id}, {"error", e.what()}});
  }
  bool all_serving = true;
  for (const auto& n : cluster->nodes) {
    if (!n.phase.empty()) services.clusters->set_node_phase(n.instance_id, kNoPhase);
    const bool failed_here = n.instance_id == failed_node && added.count(n.instance_id);
    if (failed_here) {
      services.instances->set_fault(n.instance_id, message);
      services.instances->set_task(n.instance_id, common::task::kBuildingError);
    } else if (n.instance.task != common::task::kNone) {
      services.instances->set_task(n.instance_id, common::task::kNone);
    }
    if (!added.count(n.instance_id) && !serving(n.instance.service_status)) all_serving = false;
  }
  services.clusters->set_status(cluster->id, create || !all_serving
                                                 ? common::cluster_status::kError
                                                 : common::cluster_status::kActive);
  services.clusters->set_task(cluster->id, common::cluster_task::kNone);
}

std::unique_ptr<WorkflowFactory> make_workflow_factory() {
  return std::make_unique<CassandraWorkflowFactory>();
}

}  // namespace automat::datastores::cassandra
