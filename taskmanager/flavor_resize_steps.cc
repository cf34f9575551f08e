#include "taskmanager/flavor_resize_steps.h"

#include "automat/operations.pb.h"
#include "common/error.h"
#include "common/log.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/operation_data.h"
#include "taskmanager/step_kit.h"

namespace automat::taskmanager {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kJobPoll{1000};

// The host an error names: the instance's address, else its id.
std::string host_of(const db::Instance& inst) { return inst.address.value_or(inst.id); }

}  // namespace

StepResult ApplyFlavorToServerStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const auto input = input_of<proto::InstanceResizeFlavorInput>(ctx.operation);
  const auto inst = ctx.services.instances->find_any(instance_id);
  if (!inst)
    return StepResult::failed(instance_id, "instance " + instance_id + " no longer exists");
  compute::ServerSpec spec = server_spec(ctx.services, *inst);
  spec.ram_mb = input.ram_mb();
  try {
    ctx.services.compute->create(spec);
  } catch (const common::Error& e) {
    return StepResult::failed(host_of(*inst), e.what());
  }
  return StepResult::next();
}

StepResult RestartWithFlavorStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const auto input = input_of<proto::InstanceResizeFlavorInput>(ctx.operation);
  const auto inst = ctx.services.instances->find_any(instance_id);
  if (!inst)
    return StepResult::failed(instance_id, "instance " + instance_id + " no longer exists");
  // The job call is keyed: asked again once the guest answers.
  GuestJobState job;
  const JobFollow follow{{host_of(*inst), "resizing " + label_.name, Repeat::kIdempotent, kJobPoll,
                          "waiting for the guest agent of instance " + instance_id},
                         kJobPoll,
                         "restarting " + label_.name,
                         std::chrono::minutes(30)};  // a stop and a start with the new memory
  const auto pending = follow_guest_job(
      [&] {
        auto guest = ctx.services.guests->connect(server_of(ctx, instance_id));
        return drive_guest_job(
            ctx, instance_id, guest_job_key(ctx.operation.id, "resize", instance_id),
            [&](const std::string& key) {
              return guest->start_resize(key, input.ram_mb(), kGuestCallDeadline);
            });
      },
      follow, job);
  if (pending) return *pending;
  if (job.kind == GuestJobState::Kind::kFailed) {
    common::log::warn(
        "instance.resize_flavor_failed",
        {{"op", ctx.operation.id}, {"instance", instance_id}, {"error", job.message}});
    return StepResult::failed(host_of(*inst), label_.name + " could not take flavor '" +
                                                  input.flavor_id() + "': " + job.message);
  }
  common::log::info("instance.datastore_resized", {{"op", ctx.operation.id},
                                                   {"instance", instance_id},
                                                   {"ram_mb", std::to_string(input.ram_mb())}});
  return StepResult::next();
}

StepResult RecordFlavorStep::run_on(StepContext& ctx, const std::string& instance_id) {
  const auto input = input_of<proto::InstanceResizeFlavorInput>(ctx.operation);
  ctx.services.instances->set_flavor(instance_id, input.flavor_id());
  common::log::info(
      "instance.flavor_recorded",
      {{"op", ctx.operation.id}, {"instance", instance_id}, {"flavor", input.flavor_id()}});
  return StepResult::next();
}

void flavor_resize_failed(Services& services, const db::Operation& op) {
  if (op.type != "instance.resize_flavor") return;
  const auto inst = services.instances->find_any(op.resource_id);
  if (!inst) return;
  try {
    // The flavor the row names: the old one unless the new one was recorded.
    services.compute->create(server_spec(services, *inst));
  } catch (const std::exception& e) {
    common::log::warn("instance.resize_flavor_restore_failed",
                      {{"op", op.id}, {"instance", inst->id}, {"error", e.what()}});
  }
}

}  // namespace automat::taskmanager
