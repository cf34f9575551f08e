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
  GrpcGuestClient(CallTarget to, std::shared_ptr<grpc::Channel> channel)
      : to_(std::move(to)), stub_(proto::GuestAgent::NewStub(std::move(channel))) {}

  proto::PingReply ping(std::chrono::milliseconds deadline) override {
    proto::PingReply reply;
    unary_call(to_, "Ping", deadline,
               [&](grpc::ClientContext* c) { return stub_->Ping(c, proto::Empty(), &reply); });
    return reply;
  }

  proto::StatusReply prepare(const proto::PrepareRequest& req,
                             std::chrono::milliseconds deadline) override {
    proto::StatusReply reply;
    unary_call(to_, "Prepare", deadline,
               [&](grpc::ClientContext* c) { return stub_->Prepare(c, req, &reply); });
    return reply;
  }

  proto::StatusReply get_status(std::chrono::milliseconds deadline) override {
    return status_call("GetStatus", deadline, &proto::GuestAgent::Stub::GetStatus);
  }
  proto::StatusReply start_datastore(std::chrono::milliseconds deadline) override {
    return status_call("StartDatastore", deadline, &proto::GuestAgent::Stub::StartDatastore);
  }
  proto::StatusReply stop_datastore(std::chrono::milliseconds deadline) override {
    return status_call("StopDatastore", deadline, &proto::GuestAgent::Stub::StopDatastore);
  }
  proto::StatusReply restart_datastore(std::chrono::milliseconds deadline) override {
    return status_call("RestartDatastore", deadline, &proto::GuestAgent::Stub::RestartDatastore);
  }

  nlohmann::json act(const std::string& action, const nlohmann::json& args,
                     std::chrono::milliseconds deadline) override {
    proto::ActionRequest req;
    req.set_action(action);
    req.set_args_json(args.dump());
    proto::ActionReply reply;
    unary_call(to_, "Act:" + action, deadline,
               [&](grpc::ClientContext* c) { return stub_->Act(c, req, &reply); });
    try {
      return reply.result_json().empty() ? nlohmann::json::object()
                                         : nlohmann::json::parse(reply.result_json());
    } catch (const nlohmann::json::exception&) {
      throw common::internal_error("guest of instance " + to_.instance_id + " answered " + action +
                                   " with something that is not JSON");
    }
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

std::unique_ptr<GuestClient> GrpcGuestClientFactory::connect(const GuestEndpoint& endpoint) {
  CallTarget to{endpoint.instance_id, target_of(endpoint),
                common::crypto::guest_rpc_token(guest_secret_, endpoint.instance_id)};
  auto channel = channels_->get(to.target);
  return std::make_unique<GrpcGuestClient>(std::move(to), std::move(channel));
}

}  // namespace automat::guestclient
