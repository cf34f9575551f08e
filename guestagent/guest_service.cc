#include "guestagent/guest_service.h"

#include "common/log.h"
#include "common/status.h"
#include "guestagent/job_rpc.h"

namespace automat::guestagent {

GuestService::GuestService(DatastoreManager& manager, Identity identity, JobRunner& jobs,
                           std::function<void()> status_changed)
    : manager_(manager),
      identity_(std::move(identity)),
      guard_(identity_.instance_id, identity_.token),
      jobs_(jobs),
      status_changed_(std::move(status_changed)) {}

grpc::Status GuestService::guarded(grpc::ServerContext* ctx, const char* method,
                                   const std::function<void()>& action) {
  return guard_.run(ctx, method, action);
}

grpc::Status GuestService::change(grpc::ServerContext* ctx, const char* method,
                                  const std::function<void()>& action, proto::StatusReply* reply) {
  return guarded(ctx, method, [&] {
    common::log::info("rpc.started", {{"instance", identity_.instance_id}, {"method", method}});
    announce();
    try {
      action();
    } catch (...) {
      announce();
      throw;
    }
    announce();
    std::string status;
    if (reply != nullptr) {
      fill_status(reply);
      status = reply->service_status();
    } else {
      status = manager_.status();
    }
    common::log::info(
        "rpc.finished",
        {{"instance", identity_.instance_id}, {"method", method}, {"status", status}});
  });
}

void GuestService::announce() {
  if (status_changed_) status_changed_();
}

void GuestService::fill_status(proto::StatusReply* reply) {
  const std::string status = manager_.status();
  *reply->mutable_report() = manager_.report();
  reply->set_service_status(shown_status(status, reply->report()));
}

grpc::Status GuestService::Ping(grpc::ServerContext* ctx, const proto::Empty*,
                                proto::PingReply* reply) {
  return guarded(ctx, "Ping", [&] {
    reply->set_instance_id(identity_.instance_id);
    reply->set_manager(manager_.name());
    reply->set_version(identity_.datastore_version);
  });
}

grpc::Status GuestService::StartPrepare(grpc::ServerContext* ctx, const proto::PrepareJob* req,
                                        proto::JobReply* reply) {
  proto::JobRequest job;
  job.set_key(req->key());
  return start_job(
      guard_, jobs_, ctx, "StartPrepare", job, "prepare",
      [this, request = req->request()](JobContext&) -> std::string {
        announce();
        try {
          manager_.prepare(request);
        } catch (...) {
          announce();
          throw;
        }
        announce();
        if (manager_.status() == common::service_status::kFailed) {
          const std::string reason = manager_.report().fault();
          throw common::internal_error(reason.empty() ? "the datastore reports FAILED" : reason);
        }
        common::log::info("guest.prepared", {{"instance", identity_.instance_id}});
        return "prepared";
      },
      reply);
}

grpc::Status GuestService::StartResize(grpc::ServerContext* ctx, const proto::ResizeJob* req,
                                       proto::JobReply* reply) {
  proto::JobRequest job;
  job.set_key(req->key());
  const int64_t ram_mb = req->ram_mb();
  return start_job(
      guard_, jobs_, ctx, "StartResize", job, "resize",
      [this, ram_mb](JobContext& jc) -> std::string {
        if (ram_mb <= 0 || ram_mb > (int64_t{1} << 30)) {
          throw common::bad_request("a resize needs the node's memory in MB, at least 1");
        }
        jc.progress(0, "restarting the datastore with " + std::to_string(ram_mb) + " MB");
        announce();
        try {
          manager_.resize(static_cast<int>(ram_mb));
        } catch (...) {
          announce();
          throw;
        }
        announce();
        common::log::info("guest.resized", {{"instance", identity_.instance_id},
                                            {"ram_mb", std::to_string(ram_mb)}});
        return "resized";
      },
      reply);
}

grpc::Status GuestService::StartStop(grpc::ServerContext* ctx, const proto::JobRequest* req,
                                     proto::JobReply* reply) {
  return start_job(
      guard_, jobs_, ctx, "StartStop", *req, "stop",
      [this](JobContext& jc) -> std::string {
        jc.progress(0, "stopping the datastore");
        announce();
        try {
          manager_.stop();
        } catch (...) {
          announce();
          throw;
        }
        announce();
        common::log::info("guest.stopped", {{"instance", identity_.instance_id}});
        return "stopped";
      },
      reply);
}

grpc::Status GuestService::GetStatus(grpc::ServerContext* ctx, const proto::Empty*,
                                     proto::StatusReply* reply) {
  return guarded(ctx, "GetStatus", [&] { fill_status(reply); });
}

grpc::Status GuestService::StartDatastore(grpc::ServerContext* ctx, const proto::Empty*,
                                          proto::StatusReply* reply) {
  return change(
      ctx, "StartDatastore", [&] { manager_.start(); }, reply);
}

grpc::Status GuestService::RestartDatastore(grpc::ServerContext* ctx, const proto::Empty*,
                                            proto::StatusReply* reply) {
  return change(
      ctx, "RestartDatastore", [&] { manager_.restart(); }, reply);
}

grpc::Status GuestService::GetJob(grpc::ServerContext* ctx, const proto::JobRequest* req,
                                  proto::JobReply* reply) {
  return guarded(ctx, "GetJob", [&] {
    validate_job_key(req->key());
    *reply = job_reply(jobs_.status(req->key()));
  });
}

}  // namespace automat::guestagent
