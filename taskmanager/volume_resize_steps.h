#pragma once
// Growing volumes online, for any datastore: the compute driver grows the
// server's volume while the datastore keeps serving (no guest job: the call
// is quick), then the new size is recorded on the instance row. The driver
// call is idempotent, so a resumed step simply calls it again.
//   instance.resize_volume  input InstanceResizeVolumeInput; task RESIZE
//   cluster.resize_volume   input ClusterResizeVolumeInput, checkpoint
//                           ClusterResizeVolumeCheckpoint; task RESIZING_VOLUME
// (proto/automat/operations.proto). Each datastore's workflow lists these
// steps, then its own mark-active step.
#include <string>

#include "taskmanager/instance_steps.h"
#include "taskmanager/workflow.h"

namespace automat::taskmanager {

// What a node shows (nodes.phase) while its volume grows.
inline constexpr const char* kGrowingVolumePhase = "growing volume";

// instance.resize_volume: grows the instance's volume to the input's size
// and records it; a driver refusal fails the operation naming the host
// (the instance's address).
class ResizeVolumeStep : public InstanceStep {
 public:
  std::string name() const override { return "resize-volume"; }
  std::string description() const override { return "growing the volume"; }
  StepResult run_on(StepContext& ctx, const std::string& instance_id) override;
};

// cluster.resize_volume: each node of the input in turn (node phase "growing
// volume", then "node 2/3 volume grown to N GB"): grows its volume, records
// its size and marks it done in the checkpoint. A node that fails stops the
// operation there, naming the node; the nodes done before keep their size.
class ResizeNodeVolumesStep : public Step {
 public:
  std::string name() const override { return "resize-node-volumes"; }
  std::string description() const override { return "growing each node's volume in turn"; }
  StepResult run(StepContext& ctx) override;
};

// A failed cluster.resize_volume: every node idle (no phase, task NONE), the
// cluster's task NONE; its status and every recorded size are left as they
// are. Idempotent; a deleted cluster is left alone.
void cluster_volume_resize_failed(Services& services, const db::Operation& op);

}  // namespace automat::taskmanager
