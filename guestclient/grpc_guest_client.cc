#include "guestclient/grpc_guest_client.h"

#include <grpcpp/grpcpp.h>

#include "automat/guest.grpc.pb.h"
#include "common/crypto.h"
#include "common/error.h"
#include "guestclient/grpc_call.h"

namespace automat::guestclient {
namespace {

class GrpcGuestClient : public GuestClient {
 public:
  explicit GrpcGuestClient(GuestLink link)
      : to_(std::move(link.to)), stub_(proto::GuestAgent::NewStub(std::move(link.channel))) {}

  proto::PingReply ping(std::chrono::milliseconds deadline) override {
    proto::PingReply reply;
    unary_call(to_, "Ping", deadline,
               [&](grpc::ClientContext* c) { return stub_->Ping(c, proto::Empty(), &reply); });
    return reply;
  }

  proto::JobReply start_prepare(const std::string& key, const proto::PrepareRequest& req,
                                std::chrono::milliseconds deadline) override {
    proto::PrepareJob job;
    job.set_key(key);
    *job.mutable_request() = req;
    proto::JobReply reply;
    unary_call(to_, "StartPrepare", deadline,
               [&](grpc::ClientContext* c) { return stub_->StartPrepare(c, job, &reply); });
    return reply;
  }

  proto::JobReply start_resize(const std::string& key, int ram_mb,
                               std::chrono::milliseconds deadline) override {
    proto::ResizeJob job;
    job.set_key(key);
    job.set_ram_mb(ram_mb);
    proto::JobReply reply;
    unary_call(to_, "StartResize", deadline,
               [&](grpc::ClientContext* c) { return stub_->StartResize(c, job, &reply); });
    return reply;
  }

  proto::StatusReply get_status(std::chrono::milliseconds deadline) override {
    return status_call("GetStatus", deadline, &proto::GuestAgent::Stub::GetStatus);
  }
  proto::JobReply start_stop(const std::string& key, std::chrono::milliseconds deadline) override {
    proto::JobRequest req;
    req.set_key(key);
    proto::JobReply reply;
    unary_call(to_, "StartStop", deadline,
               [&](grpc::ClientContext* c) { return stub_->StartStop(c, req, &reply); });
    return reply;
  }

  proto::JobReply get_job(const std::string& key, std::chrono::milliseconds deadline) override {
    proto::JobRequest req;
    req.set_key(key);
    proto::JobReply reply;
    unary_call(to_, "GetJob", deadline,
               [&](grpc::ClientContext* c) { return stub_->GetJob(c, req, &reply); });
    return reply;
  }

 private:
  using StatusMethod = grpc::Status (proto::GuestAgent::Stub::*)(grpc::ClientContext*,
                                                                 const proto::Empty&,
                                                                 proto::StatusReply*);

  proto::StatusReply status_call(const char* method, std::chrono::milliseconds deadline,
                                 StatusMethod fn) {
    proto::StatusReply reply;
    unary_call(to_, method, deadline, [&](grpc::ClientContext* c) {
      return (stub_.get()->*fn)(c, proto::Empty(), &reply);
    });
    return reply;
  }

  const CallTarget to_;
  std::unique_ptr<proto::GuestAgent::Stub> stub_;
};

}  // namespace

GrpcGuestClientFactory::GrpcGuestClientFactory(std::string guest_secret, ChannelCache* channels)
    : guest_secret_(std::move(guest_secret)), channels_(channels ? channels : &own_channels_) {}

GuestLink GrpcGuestClientFactory::link(const GuestEndpoint& endpoint) {
  CallTarget to{endpoint.instance_id, target_of(endpoint),
                common::crypto::guest_rpc_token(guest_secret_, endpoint.instance_id)};
  auto channel = channels_->get(to.target);
  return {std::move(to), std::move(channel)};
}

std::unique_ptr<GuestClient> GrpcGuestClientFactory::connect(const GuestEndpoint& endpoint) {
  return std::make_unique<GrpcGuestClient>(link(endpoint));
}

}  // namespace automat::guestclient
