#pragma once
// Guest jobs over gRPC (proto JobRequest/JobReply in guest.proto): a
// datastore service starts long work with start_job(), and
// GuestService::GetJob answers job_reply() of it.
#include <grpcpp/grpcpp.h>

#include <string>

#include "automat/guest.pb.h"
#include "guestagent/guest_jobs.h"
#include "guestagent/rpc_guard.h"

namespace automat::guestagent {

// Throws common::Error(kBadRequest) unless `key` is 1..128 of [A-Za-z0-9._:-].
void validate_job_key(const std::string& key);

// The status as the wire shows it; the job's result only once it succeeded.
proto::JobReply job_reply(const JobStatus& status);

// Authenticates, starts `work` as a job of `kind` under req.key (or finds
// the job already under that key) and answers its status; a job that ends
// within a moment answers its end.
grpc::Status start_job(const RpcGuard& guard, JobRunner& jobs, grpc::ServerContext* ctx,
                       const char* method, const proto::JobRequest& req, const std::string& kind,
                       JobRunner::Work work, proto::JobReply* reply);

}  // namespace automat::guestagent
