#include "taskmanager/guest_job.h"

namespace automat::taskmanager {

namespace {
constexpr int kMaxAttempts = 3;
}

GuestJobState drive_guest_job(const std::string& key,
                              const std::function<proto::JobReply(const std::string&)>& start) {
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    const std::string k = attempt == 1 ? key : key + "." + std::to_string(attempt);
    const proto::JobReply job = start(k);
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

std::string guest_job_key(const std::string& op_id, const std::string& kind,
                          const std::string& node_id) {
  return op_id + ":" + kind + ":" + node_id;
}

}  // namespace automat::taskmanager
