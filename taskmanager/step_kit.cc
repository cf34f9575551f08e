#include "taskmanager/step_kit.h"

#include "common/error.h"

namespace automat::taskmanager {

StepResult guest_call_failed(const GuestCall& call, const std::exception& e) {
  const auto* err = dynamic_cast<const common::Error*>(&e);
  const auto code = err ? err->code() : common::ErrorCode::kInternal;
  const bool retry = code == common::ErrorCode::kUnavailable ||
                     (code == common::ErrorCode::kTimedOut && call.repeat == Repeat::kIdempotent);
  if (retry) {
    return StepResult::retry(call.retry_after,
                             call.waiting.empty() ? call.doing + ": " + e.what() : call.waiting);
  }
  if (code == common::ErrorCode::kTimedOut) {
    return StepResult::failed(call.host, call.doing + " on " + call.host +
                                             " timed out and is not sent twice (it may have "
                                             "taken effect); check " +
                                             call.host + ", then retry the operation: " + e.what());
  }
  return StepResult::failed(call.host, call.doing + " failed on " + call.host + ": " + e.what());
}

std::optional<StepResult> follow_guest_job(const std::function<GuestJobState()>& drive,
                                           const JobFollow& how, GuestJobState& ended) {
  GuestJobState job;
  try {
    job = drive();
  } catch (const std::exception& e) {
    return guest_call_failed(how.call, e);
  }
  if (how.deadline.count() > 0) {
    job = past_deadline(
        std::move(job), how.deadline,
        how.running + " did not finish within " + std::to_string(how.deadline.count()) + " s");
  }
  if (job.kind == GuestJobState::Kind::kRunning) {
    return StepResult::retry(how.poll,
                             how.running + (job.message.empty() ? "" : " (" + job.message + ")"),
                             job.progress);
  }
  ended = std::move(job);
  return std::nullopt;
}

}  // namespace automat::taskmanager
