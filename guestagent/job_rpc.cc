#include "guestagent/job_rpc.h"

#include <algorithm>

#include "common/error.h"
#include "common/log.h"

namespace automat::guestagent {
namespace {

// How long a call that starts a job waits for it to end before answering
// RUNNING: a job that fails at once (a node that cannot decommission) then
// answers its error in the same call.
constexpr auto kQuickEnd = std::chrono::milliseconds(200);

proto::JobReply::State state_of(JobStatus::State state) {
  switch (state) {
    case JobStatus::State::kRunning:
      return proto::JobReply::RUNNING;
    case JobStatus::State::kSucceeded:
      return proto::JobReply::SUCCEEDED;
    case JobStatus::State::kFailed:
      return proto::JobReply::FAILED;
    case JobStatus::State::kLost:
      return proto::JobReply::LOST;
    case JobStatus::State::kUnknown:
      break;
  }
  return proto::JobReply::UNKNOWN;
}

}  // namespace

void validate_job_key(const std::string& key) {
  const bool ok =
      !key.empty() && key.size() <= 128 && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == ':' || c == '-';
      });
  if (!ok) throw common::bad_request("a job key must be 1-128 of [A-Za-z0-9._:-]");
}

proto::JobReply job_reply(const JobStatus& status) {
  proto::JobReply reply;
  reply.set_state(state_of(status.state));
  reply.set_key(status.key);
  reply.set_kind(status.kind);
  reply.set_message(status.message);
  reply.set_progress(status.progress);
  reply.set_started_us(status.started_us);
  reply.set_finished_us(status.finished_us);
  if (status.state == JobStatus::State::kSucceeded) reply.set_result(status.result);
  return reply;
}

grpc::Status start_job(const RpcGuard& guard, JobRunner& jobs, grpc::ServerContext* ctx,
                       const char* method, const proto::JobRequest& req, const std::string& kind,
                       JobRunner::Work work, proto::JobReply* reply) {
  return guard.run(ctx, method, [&] {
    validate_job_key(req.key());
    const JobStatus started = jobs.start(req.key(), kind, std::move(work));
    if (started.kind != kind) {
      throw common::conflict("job key " + req.key() + " belongs to a " + started.kind +
                             " job, not " + kind);
    }
    common::log::info("job.started", {{"instance", guard.instance_id()},
                                      {"job", req.key()},
                                      {"kind", kind},
                                      {"state", state_name(started.state)}});
    *reply = job_reply(jobs.wait(req.key(), kQuickEnd));
  });
}

}  // namespace automat::guestagent
