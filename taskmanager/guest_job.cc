#include "taskmanager/guest_job.h"

#include <utility>

#include "common/config.h"
#include "common/error.h"

namespace automat::taskmanager {

namespace {
constexpr int kMaxAttempts = 3;
constexpr auto kLookDeadline = std::chrono::seconds(10);
constexpr int kPrepareSeconds = 300;
}  // namespace

GuestJobState drive_guest_job(const std::string& key, const JobCall& look, const JobCall& start,
                              LostJob on_lost) {
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    const std::string k = attempt == 1 ? key : key + "." + std::to_string(attempt);
    proto::JobReply job = look(k);
    if (job.state() == proto::JobReply::UNKNOWN) job = start(k);
    switch (job.state()) {
      case proto::JobReply::SUCCEEDED:
        return {GuestJobState::Kind::kSucceeded, job.message(), 1.0, 0, job.result()};
      case proto::JobReply::FAILED:
        return {GuestJobState::Kind::kFailed,
                job.message().empty() ? "the guest's " + job.kind() + " job failed" : job.message(),
                job.progress(),
                0,
                {}};
      case proto::JobReply::LOST:
        if (on_lost == LostJob::kReport) {
          GuestJobState lost{GuestJobState::Kind::kFailed,
                             "the guest restarted while its " + job.kind() + " job " + k + " ran",
                             job.progress(),
                             0,
                             {}};
          lost.lost = true;
          return lost;
        }
        continue;  // the guest restarted while it ran: once more, under the next key
      case proto::JobReply::RUNNING:
      default:
        return {GuestJobState::Kind::kRunning, job.message(), job.progress(), job.started_us(), {}};
    }
  }
  return {GuestJobState::Kind::kFailed,
          "the guest restarted " + std::to_string(kMaxAttempts) + " times while its job " + key +
              " ran",
          0,
          0,
          {}};
}

GuestJobState drive_guest_job(StepContext& ctx, const std::string& instance_id,
                              const std::string& key, const JobCall& start, LostJob on_lost) {
  auto guest = ctx.services.guests->connect(server_of(ctx, instance_id));
  return drive_guest_job(
      key, [&](const std::string& k) { return guest->get_job(k, kLookDeadline); }, start, on_lost);
}

GuestJobState past_deadline(GuestJobState state, std::chrono::seconds limit,
                            const std::string& overdue) {
  if (state.kind != GuestJobState::Kind::kRunning || state.started_us <= 0) return state;
  const auto now_us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (now_us - state.started_us <= std::chrono::microseconds(limit).count()) return state;
  return {GuestJobState::Kind::kFailed,
          overdue + "; last: " + (state.message.empty() ? "no progress reported" : state.message),
          state.progress,
          0,
          {}};
}

GuestJobState drive_prepare(StepContext& ctx, const std::string& instance_id,
                            const proto::PrepareRequest& req) {
  auto guest = ctx.services.guests->connect(server_of(ctx, instance_id));
  GuestJobState state = drive_guest_job(
      guest_job_key(ctx.operation.id, "prepare", instance_id),
      [&](const std::string& k) { return guest->get_job(k, kLookDeadline); },
      [&](const std::string& k) { return guest->start_prepare(k, req, kLookDeadline); });
  const int limit =
      ctx.services.config
          ? ctx.services.config->get_int("taskmanager", "guest_prepare_timeout", kPrepareSeconds)
          : kPrepareSeconds;
  return past_deadline(
      std::move(state), std::chrono::seconds(limit),
      "preparing did not finish within " + std::to_string(limit) + " s (guest_prepare_timeout)");
}

compute::Server server_of(StepContext& ctx, const std::string& instance_id) {
  auto server = ctx.services.compute->find(instance_id);
  if (!server) throw common::unavailable("instance " + instance_id + " has no server");
  return *server;
}

std::string guest_job_key(const std::string& op_id, const std::string& kind,
                          const std::string& node_id) {
  return op_id + ":" + kind + ":" + node_id;
}

}  // namespace automat::taskmanager
