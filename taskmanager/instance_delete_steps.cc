// The delete half of instance_steps.h.
#include "common/error.h"
#include "common/log.h"
#include "taskmanager/guest_job.h"
#include "taskmanager/instance_steps.h"
#include "taskmanager/step_kit.h"

namespace automat::taskmanager {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kStopPoll{1000};
// The stop job's own deadline (a drain and a clean stop usually take
// seconds); past it the delete goes on without waiting.
constexpr std::chrono::seconds kStopJobDeadline{120};

}  // namespace

StepResult StopDatastoreStep::run_on(StepContext& ctx, const std::string& id) {
  auto server = ctx.services.compute->find(id);
  if (!server || !ctx.services.compute->guest_running(id)) return StepResult::next();
  GuestJobState job;
  const JobFollow follow{{server->address.empty() ? id : server->address, "stopping " + label_.name,
                          Repeat::kIdempotent, kStopPoll, ""},
                         kStopPoll,
                         "stopping " + label_.name,
                         kStopJobDeadline};
  const auto pending = follow_guest_job(
      [&]() -> GuestJobState {
        // A guest that cannot be reached, or whose call fails, ends the
        // stop like a failed job: the delete goes on.
        try {
          auto guest = ctx.services.guests->connect(*server);
          return drive_guest_job(
              guest_job_key(ctx.operation.id, "stop", id),
              [&](const std::string& key) { return guest->get_job(key, kGuestCallDeadline); },
              [&](const std::string& key) { return guest->start_stop(key, kGuestCallDeadline); },
              LostJob::kReport);
        } catch (const std::exception& e) {
          return {GuestJobState::Kind::kFailed, e.what(), 0, 0, {}};
        }
      },
      follow, job);
  if (pending) return *pending;
  if (job.kind == GuestJobState::Kind::kFailed) {
    // Destroying the server ends every process of the instance anyway.
    common::log::warn("instance.stop_failed",
                      {{"op", ctx.operation.id}, {"instance", id}, {"error", job.message}});
  } else {
    common::log::info("instance.datastore_stopped", {{"op", ctx.operation.id}, {"instance", id}});
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
