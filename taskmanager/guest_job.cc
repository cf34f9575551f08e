#include "taskmanager/guest_job.h"

#include "common/error.h"

namespace automat::taskmanager {

namespace {
constexpr int kMaxAttempts = 3;
constexpr auto kLookDeadline = std::chrono::seconds(10);
}  // namespace

GuestJobState drive_guest_job(const std::string& key, const JobCall& look, const JobCall& start) {
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    const std::string k = attempt == 1 ? key : key + "." + std::to_string(attempt);
    proto::JobReply job = look(k);
    if (job.state() == proto::JobReply::UNKNOWN) job = start(k);
    switch (job.state()) {
      case proto::JobReply::SUCCEEDED:
        return {GuestJobState::Kind::kSucceeded, job.message(), 1.0};
      case proto::JobReply::FAILED:
        return {GuestJobState::Kind::kFailed,
                job.message().empty() ? "the guest's " + job.kind() + " job failed" : job.message(),
                job.progress()};
      case proto::JobReply::LOST:
        continue;  // the guest restarted while it ran: once more, under the next key
      case proto::JobReply::RUNNING:
      default:
        return {GuestJobState::Kind::kRunning, job.message(), job.progress()};
    }
  }
  return {GuestJobState::Kind::kFailed,
          "the guest restarted " + std::to_string(kMaxAttempts) + " times while its job " + key +
              " ran",
          0};
}

GuestJobState drive_guest_job(StepContext& ctx, const std::string& instance_id,
                              const std::string& key, const JobCall& start) {
  auto guest = ctx.services.guests->connect(server_of(ctx, instance_id));
  return drive_guest_job(
      key, [&](const std::string& k) { return guest->get_job(k, kLookDeadline); }, start);
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
