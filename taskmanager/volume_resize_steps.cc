#include "taskmanager/volume_resize_steps.h"

#include <algorithm>

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "common/status.h"
#include "taskmanager/node_phase.h"
#include "taskmanager/operation_data.h"

namespace automat::taskmanager {
namespace {

// The host an error names: the instance's address, else its id.
std::string host_of(StepContext& ctx, const std::string& instance_id) {
  const auto inst = ctx.services.instances->find_any(instance_id);
  return inst && inst->address ? *inst->address : instance_id;
}

// Grows `instance_id`'s volume and records its size; the driver's refusal
// as a failure naming the host.
StepResult grow_volume(StepContext& ctx, const std::string& instance_id, int size_gb) {
  try {
    ctx.services.compute->resize_volume(instance_id, size_gb);
  } catch (const common::Error& e) {
    common::log::warn("volume.resize_failed", {{"op", ctx.operation.id},
                                               {"instance", instance_id},
                                               {"size_gb", std::to_string(size_gb)},
                                               {"error", e.what()}});
    return StepResult::failed(host_of(ctx, instance_id), e.what());
  }
  ctx.services.instances->set_volume_size(instance_id, size_gb);
  common::log::info(
      "volume.resized",
      {{"op", ctx.operation.id}, {"instance", instance_id}, {"size_gb", std::to_string(size_gb)}});
  return StepResult::next();
}

bool resized(const proto::ClusterResizeVolumeCheckpoint& cp, const std::string& id) {
  return std::find(cp.resized().begin(), cp.resized().end(), id) != cp.resized().end();
}

}  // namespace

StepResult ResizeVolumeStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const auto input = input_of<proto::InstanceResizeVolumeInput>(ctx.operation);
  return grow_volume(ctx, instance_id, input.size_gb());
}

StepResult ResizeNodeVolumesStep::run(StepContext& ctx) {
  const auto input = input_of<proto::ClusterResizeVolumeInput>(ctx.operation);
  const auto cluster = ctx.services.clusters->find_any(ctx.operation.resource_id);
  if (!cluster) {
    return StepResult::failed(ctx.operation.resource_id,
                              "cluster " + ctx.operation.resource_id + " no longer exists");
  }
  // The input's nodes still in the cluster, in the input's order.
  std::vector<db::Node> nodes;
  for (const auto& id : input.instance_ids()) {
    for (const auto& n : cluster->nodes) {
      if (n.instance_id == id) nodes.push_back(n);
    }
  }
  const int size_gb = input.size_gb();
  NodePhase grow;
  grow.phase = kGrowingVolumePhase;
  grow.done_message = "volume grown to " + std::to_string(size_gb) + " GB";
  grow.done = [](const StepContext& c, const db::Node& n) {
    return resized(checkpoint_of<proto::ClusterResizeVolumeCheckpoint>(c.operation), n.instance_id);
  };
  grow.record = [](StepContext& c, const db::Node& n) {
    auto cp = checkpoint_of<proto::ClusterResizeVolumeCheckpoint>(c.operation);
    if (!resized(cp, n.instance_id)) cp.add_resized(n.instance_id);
    save_checkpoint(c, cp);
  };
  grow.act = [size_gb](StepContext& c, const db::Node& n) -> std::optional<StepResult> {
    return grow_volume(c, n.instance_id, size_gb);
  };
  return run_node_phase(ctx, *cluster, nodes, grow);
}

void cluster_volume_resize_failed(Services& services, const db::Operation& op) {
  const auto cluster = services.clusters->find_any(op.resource_id);
  if (!cluster) return;
  for (const auto& n : cluster->nodes) {
    if (!n.phase.empty()) services.clusters->set_node_phase(n.instance_id, kNoPhase);
    if (n.instance.task != common::task::kNone) {
      services.instances->set_task(n.instance_id, common::task::kNone);
    }
  }
  services.clusters->set_task(cluster->id, common::cluster_task::kNone);
}

}  // namespace automat::taskmanager
