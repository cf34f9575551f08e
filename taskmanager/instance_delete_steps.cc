// The delete half of instance_steps.h.
#include "common/error.h"
#include "common/log.h"
#include "taskmanager/instance_steps.h"

namespace automat::taskmanager {
namespace {

constexpr std::chrono::seconds kStopDeadline{60};

}  // namespace

StepResult StopDatastoreStep::run_on(StepContext& ctx, const std::string& id) {
  auto server = ctx.services.compute->find(id);
  if (!server || !ctx.services.compute->guest_running(id)) return StepResult::next();
  try {
    ctx.services.guests->connect(*server)->stop_datastore(kStopDeadline);
  } catch (const common::Error& e) {
    // Destroying the server ends every process of the instance anyway.
    common::log::warn("instance.stop_failed",
                      {{"op", ctx.operation.id}, {"instance", id}, {"error", e.what()}});
  }
  return StepResult::next();
}

StepResult DestroyServerStep::run_on(StepContext& ctx, const std::string& id) {
  try {
    ctx.services.compute->destroy(id);
  } catch (const common::Error& e) {
    return StepResult::retry(std::chrono::seconds(2), e.what());
  }
  ctx.services.instances->set_address(id, std::nullopt, std::nullopt);
  common::log::info("instance.server_destroyed", {{"op", ctx.operation.id}, {"instance", id}});
  return StepResult::next();
}

StepResult MarkDeletedStep::run_on(StepContext& ctx, const std::string& id) {
  ctx.services.instances->mark_deleted(id);
  return StepResult::next();
}

}  // namespace automat::taskmanager
